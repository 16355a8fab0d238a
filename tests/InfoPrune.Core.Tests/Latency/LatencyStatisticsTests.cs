using InfoPrune.Core.Latency;

namespace InfoPrune.Core.Tests.Latency;

public class LatencyStatisticsTests
{
    [Fact]
    public void QuartilesInterpolateBetweenOrderedSamples()
    {
        var stats = LatencyStatistics.Of([5.0, 1.0, 4.0, 2.0, 3.0]);

        Assert.Equal(3.0, stats.Median);
        Assert.Equal(2.0, stats.LowerQuartile);
        Assert.Equal(4.0, stats.UpperQuartile);
        Assert.Equal(2.0, stats.InterquartileRange);
        Assert.Equal(5, stats.Samples);
    }

    [Fact]
    public void OneInterruptedRunMovesTheMedianNotAtAll()
    {
        var quiet = LatencyStatistics.Of([1.0, 1.0, 1.1, 1.0, 1.05, 0.95, 1.0]);
        var interrupted = LatencyStatistics.Of([1.0, 1.0, 1.1, 1.0, 1.05, 0.95, 40.0]);

        Assert.Equal(quiet.Median, interrupted.Median);
    }

    [Fact]
    public void NoSamplesIsAnError()
    {
        Assert.Throws<ArgumentException>(() => LatencyStatistics.Of([]));
    }

    [Fact]
    public void PrunedModelIsSlowerOnlyWhenThreeRoundsInFourSaySo()
    {
        var times = LatencyStatistics.Of([1.0]);
        var mostlySlower = new BatchLatency(64, times, times, LatencyStatistics.Of([1.3, 1.2, 1.25, 0.9, 1.4, 1.3, 1.2, 1.1]));
        var mixed = new BatchLatency(64, times, times, LatencyStatistics.Of([1.3, 0.9, 1.25, 0.9, 1.4, 0.95, 1.2, 0.8]));

        Assert.True(mostlySlower.PrunedIsSlower);
        Assert.False(mixed.PrunedIsSlower);
    }
}
