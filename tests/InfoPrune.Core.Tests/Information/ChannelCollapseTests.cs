using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class ChannelCollapseTests
{
    // Two channels of a 2×2 map: channel 0 = [1, −2, 3, −4], channel 1 = [0, 0, 0, 5].
    private static readonly float[] Map = { 1, -2, 3, -4, 0, 0, 0, 5 };

    [Theory]
    [InlineData(ChannelCollapseMode.Mean, -0.5f, 1.25f)]
    [InlineData(ChannelCollapseMode.L1, 10f, 5f)]
    [InlineData(ChannelCollapseMode.Max, 3f, 5f)]
    public void CollapseReducesEachChannelMap(ChannelCollapseMode mode, float channel0, float channel1)
    {
        Span<float> result = stackalloc float[2];
        ChannelCollapse.Collapse(Map, 2, mode, result);
        Assert.Equal(channel0, result[0], 1e-6f);
        Assert.Equal(channel1, result[1], 1e-6f);
    }

    [Fact]
    public void L2CollapseIsTheEuclideanNormOfTheMap()
    {
        Span<float> result = stackalloc float[2];
        ChannelCollapse.Collapse(Map, 2, ChannelCollapseMode.L2, result);
        Assert.Equal(MathF.Sqrt(30f), result[0], 1e-5f);
        Assert.Equal(5f, result[1], 1e-6f);
    }

    [Fact]
    public void StandardDeviationCollapseMeasuresSpatialSpread()
    {
        Span<float> result = stackalloc float[2];
        ChannelCollapse.Collapse(new float[] { 2, 2, 2, 2, 1, 3, 1, 3 }, 2, ChannelCollapseMode.StandardDeviation, result);
        Assert.Equal(0f, result[0]);
        Assert.Equal(1f, result[1], 1e-6f);
    }

    [Fact]
    public void BatchCollapseWritesTheSampleByChannelLayoutJointCountsTakes()
    {
        // Sample 1 is sample 0 doubled; the output is [batch, channels].
        var maps = Map.Concat(Map.Select(v => v * 2)).ToArray();
        var result = new float[4];
        ChannelCollapse.CollapseBatch(maps, 2, 2, ChannelCollapseMode.Max, result);
        Assert.Equal(new[] { 3f, 5f, 6f, 10f }, result);
    }

    [Fact]
    public void MaxCollapseKeepsNaNSoTheCountsCanRefuseIt()
    {
        Span<float> result = stackalloc float[1];
        ChannelCollapse.Collapse(new[] { 1f, float.NaN, 3f }, 1, ChannelCollapseMode.Max, result);
        Assert.True(float.IsNaN(result[0]));
    }

    [Fact]
    public void MapNotDivisibleIntoChannelsIsRejected() =>
        Assert.Throws<ArgumentException>(() => ChannelCollapse.Collapse(new float[7], 2, ChannelCollapseMode.Mean, new float[2]));
}
