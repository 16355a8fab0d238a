using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class JointCountsTests
{
    private static (float[] Values, int[] Labels) RandomLayer(int seed, int rows, int units, int classes)
    {
        var random = new Random(seed);
        var values = new float[rows * units];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = random.Next(classes);
            for (int u = 0; u < units; u++)
                // Label-dependent shift so the tables are not trivial; some exact zeros like a ReLU.
                values[r * units + u] = Math.Max(0f, (float)(random.NextDouble() * 2 - 1 + 0.1 * labels[r] * (u % 3)));
        }
        return (values, labels);
    }

    private static long[] AllCounts(JointCounts counts)
    {
        var all = new List<long>();
        for (int u = 0; u < counts.Units; u++) all.AddRange(counts.Table(u).Counts.ToArray());
        return all.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void StreamingInRandomBatchesEqualsOneShot(int seed)
    {
        const int rows = 1000, units = 7, classes = 5;
        var (values, labels) = RandomLayer(seed, rows, units, classes);
        var quantizers = seed == 1
            ? QuantizerFitting.Thresholds(values, units, "Relu")
            : QuantizerFitting.Bins(values.AsSpan(0, 200 * units), units, 4, seed == 2 ? BinningMode.EqualFrequency : BinningMode.EqualWidth);

        var oneShot = new JointCounts(quantizers, classes);
        oneShot.Add(values, labels);

        var streamed = new JointCounts(quantizers, classes);
        var random = new Random(seed + 100);
        int start = 0, batches = 0;
        while (start < rows)
        {
            int batch = Math.Min(rows - start, random.Next(0, 64)); // includes empty batches
            streamed.Add(values.AsSpan(start * units, batch * units), labels.AsSpan(start, batch));
            start += batch;
            batches++;
        }

        Assert.True(batches > 10);
        Assert.Equal(rows, streamed.SampleCount);
        Assert.Equal(AllCounts(oneShot), AllCounts(streamed));
        foreach (var measure in Enum.GetValues<NeuronMeasure>())
            Assert.Equal(InformationMeasures.Score(oneShot, measure), InformationMeasures.Score(streamed, measure));
    }

    [Fact]
    public void StreamedCountsMatchPerValueQuantization()
    {
        // Every sample lands in its unit's own quantizer level and its own label column.
        const int rows = 300, units = 4, classes = 3;
        var (values, labels) = RandomLayer(9, rows, units, classes);
        var quantizers = QuantizerFitting.Bins(values, units, 3, BinningMode.EqualFrequency);
        var counts = new JointCounts(quantizers, classes);
        counts.Add(values, labels);

        var expected = new long[units, 3, classes];
        for (int r = 0; r < rows; r++)
            for (int u = 0; u < units; u++)
                expected[u, quantizers[u].Quantize(values[r * units + u]), labels[r]]++;
        for (int u = 0; u < units; u++)
            for (int t = 0; t < 3; t++)
                for (int y = 0; y < classes; y++)
                    Assert.Equal(expected[u, t, y], counts.Count(u, t, y));
        Assert.Equal(rows, counts.Table(2).Total);
    }

    [Fact]
    public void InactiveReluOutputsOfExactlyZeroAreCountedInTheLowerLevel()
    {
        // The one-bit fast path must agree with the quantizer: 0 is "not above" the ReLU threshold.
        var counts = new JointCounts(QuantizerFitting.Thresholds(ReadOnlySpan<float>.Empty, 2, "Relu"), 2);
        counts.Add(new float[] { 0f, 0.5f, 0f, 0f, 2f, 0f }, new[] { 0, 1, 1 });
        Assert.Equal(2, counts.Count(0, 0, 1) + counts.Count(0, 0, 0));
        Assert.Equal(1, counts.Count(0, 1, 1));
        Assert.Equal(1, counts.Count(1, 1, 0));
        Assert.Equal(2, counts.Count(1, 0, 1));
    }

    [Fact]
    public void MergingTwoHalvesEqualsCountingEverything()
    {
        const int rows = 400, units = 3, classes = 4;
        var (values, labels) = RandomLayer(4, rows, units, classes);
        var quantizers = QuantizerFitting.Thresholds(values, units, null); // per-unit medians
        var whole = new JointCounts(quantizers, classes);
        whole.Add(values, labels);
        var first = new JointCounts(quantizers, classes);
        var second = new JointCounts(quantizers, classes);
        first.Add(values.AsSpan(0, 150 * units), labels.AsSpan(0, 150));
        second.Add(values.AsSpan(150 * units), labels.AsSpan(150));
        first.Merge(second);
        Assert.Equal(AllCounts(whole), AllCounts(first));
        Assert.Equal(whole.SampleCount, first.SampleCount);
    }

    [Fact]
    public void UnitsWithFewerLevelsLeaveTheirTopLevelsEmpty()
    {
        var quantizers = new Quantizer[] { new ThresholdQuantizer(0), BinQuantizer.EqualWidth(0, 4, 4) };
        var counts = new JointCounts(quantizers, 2);
        Assert.Equal(4, counts.Levels);
        counts.Add(new float[] { 1, 3.5f, -1, 0.5f }, new[] { 1, 0 });
        Assert.Equal(1, counts.Count(0, 1, 1));
        Assert.Equal(1, counts.Count(0, 0, 0));
        Assert.Equal(0, counts.Count(0, 2, 0) + counts.Count(0, 3, 0) + counts.Count(0, 2, 1) + counts.Count(0, 3, 1));
        Assert.Equal(1, counts.Count(1, 3, 1));
        Assert.Equal(1, counts.Count(1, 0, 0));
    }

    [Fact]
    public void LabelOutsideTheClassRangeIsRefusedAndNothingIsCounted()
    {
        var counts = new JointCounts(new Quantizer[] { new ThresholdQuantizer(0) }, 3);
        var error = Assert.Throws<InfoPruneException>(() => counts.Add(new float[] { 1, 2, 3 }, new[] { 0, 3, 1 }));
        Assert.Equal("IP0502", error.Code.Id);
        Assert.Throws<InfoPruneException>(() => counts.Add(new float[] { 1 }, new[] { -1 }));
        Assert.Equal(0, counts.SampleCount);
        Assert.Equal(0, counts.Table(0).Total);
    }

    [Fact]
    public void NaNActivationIsRefusedAndNothingIsCounted()
    {
        var counts = new JointCounts(new Quantizer[] { new ThresholdQuantizer(0), new ThresholdQuantizer(0) }, 2);
        var error = Assert.Throws<InfoPruneException>(() => counts.Add(new float[] { 1, 2, 3, float.NaN }, new[] { 0, 1 }));
        Assert.Equal(InformationErrors.NonFiniteActivation, error.Code);
        Assert.Contains("unit 1", error.Message);
        Assert.Equal(0, counts.Table(0).Total + counts.Table(1).Total);
    }

    [Fact]
    public void BatchWhoseLengthIsNotRowsTimesUnitsIsRejected()
    {
        var counts = new JointCounts(new Quantizer[] { new ThresholdQuantizer(0), new ThresholdQuantizer(0) }, 2);
        Assert.Throws<ArgumentException>(() => counts.Add(new float[] { 1, 2, 3 }, new[] { 0, 1 }));
    }

    [Fact]
    public void NonPositiveClassCountIsRefused()
    {
        var error = Assert.Throws<InfoPruneException>(() => new JointCounts(new Quantizer[] { new ThresholdQuantizer(0) }, 0));
        Assert.Equal(InformationErrors.InvalidClassCount, error.Code);
    }

    [Fact]
    public void FromTableRoundTripsTheGivenCounts()
    {
        var counts = JointCounts.FromTable(new long[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        Assert.Equal(3, counts.Levels);
        Assert.Equal(21, counts.SampleCount);
        Assert.Equal(6, counts.Count(0, 2, 1));
        Assert.Equal(3, counts.Count(0, 1, 0));
    }
}
