using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class QuantizerTests
{
    [Fact]
    public void ThresholdPutsValuesAtTheThresholdInTheLowerLevel()
    {
        var relu = new ThresholdQuantizer(0f);
        Assert.Equal(2, relu.Levels);
        Assert.Equal(0, relu.Quantize(0f));          // an inactive ReLU is exactly 0
        Assert.Equal(0, relu.Quantize(-0f));
        Assert.Equal(1, relu.Quantize(1e-30f));
        Assert.Equal(0, relu.Quantize(float.NegativeInfinity));
        Assert.Equal(1, relu.Quantize(float.PositiveInfinity));
    }

    [Fact]
    public void NaNIsNeverQuantized()
    {
        var error = Assert.Throws<InfoPruneException>(() => new ThresholdQuantizer(0.5f).Quantize(float.NaN));
        Assert.Equal(InformationErrors.NonFiniteActivation, error.Code);
        Assert.Equal(InformationErrors.InvalidQuantizer, Assert.Throws<InfoPruneException>(() => new ThresholdQuantizer(float.NaN)).Code);
    }

    [Theory]
    [InlineData("Relu", 0f)]
    [InlineData("relu", 0f)]
    [InlineData("LeakyRelu", 0f)]
    [InlineData("Sigmoid", 0.5f)]
    [InlineData("HardSigmoid", 0.5f)]
    [InlineData("Tanh", 0f)]
    public void ActivationPicksThePapersDefaultThreshold(string opType, float expected)
    {
        Assert.True(ActivationThresholds.TryGetDefault(opType, out var threshold));
        Assert.Equal(expected, threshold);
        // A known activation ignores the sample: the threshold is a property of the nonlinearity.
        Assert.Equal(expected, ThresholdQuantizer.ForActivation(opType, new float[] { 7, 8, 9 }).Threshold);
    }

    [Fact]
    public void UnknownActivationFallsBackToTheSampleMedian()
    {
        Assert.False(ActivationThresholds.TryGetDefault("Softplus", out _));
        Assert.False(ActivationThresholds.TryGetDefault(null, out _));
        var q = ThresholdQuantizer.ForActivation("Softplus", new float[] { 5, 1, 4, 2, 3 });
        Assert.Equal(3f, q.Threshold);
        // Even count: the lower median, so at most half the sample is above it.
        Assert.Equal(2f, ThresholdQuantizer.AtMedian(new float[] { 4, 1, 3, 2 }).Threshold);
    }

    [Fact]
    public void UnknownActivationWithoutASampleThresholdsAtZero() =>
        Assert.Equal(0f, ThresholdQuantizer.ForActivation("Identity", ReadOnlySpan<float>.Empty).Threshold);

    [Fact]
    public void ExplicitThresholdOverridesTheActivationDefault() =>
        Assert.Equal(0.2f, ThresholdQuantizer.ForActivation("Sigmoid", ReadOnlySpan<float>.Empty, 0.2f).Threshold);

    [Fact]
    public void EqualFrequencyBinsHoldEqualSharesOfDistinctValues()
    {
        var sample = Enumerable.Range(0, 100).Select(i => (float)((i * 37) % 100)).ToArray(); // 0..99 shuffled
        var q = BinQuantizer.EqualFrequency(sample, 4);
        var perBin = new int[4];
        foreach (var v in sample) perBin[q.Quantize(v)]++;
        Assert.Equal(new[] { 25, 25, 25, 25 }, perBin);
        Assert.Equal(new[] { 24f, 49f, 74f }, q.Edges.ToArray());
    }

    [Fact]
    public void EqualFrequencyEdgeIsTheCeilingRankWhenTheSampleDoesNotDivideEvenly()
    {
        // 10 values, 4 bins: edge i is the ⌈2.5·i⌉-th smallest, i.e. values 2, 4, 7 → bins of 3, 2, 3, 2.
        var q = BinQuantizer.EqualFrequency(Enumerable.Range(0, 10).Select(i => (float)(9 - i)).ToArray(), 4);
        Assert.Equal(new[] { 2f, 4f, 7f }, q.Edges.ToArray());
    }

    [Fact]
    public void EqualFrequencyBinsWithManyTiedZerosLeaveEmptyBinsButCountEveryValue()
    {
        // 70% exact zeros, as after a ReLU: the lower edges coincide at 0.
        var sample = Enumerable.Range(0, 100).Select(i => i < 70 ? 0f : i).ToArray();
        var q = BinQuantizer.EqualFrequency(sample, 4);
        var perBin = new int[4];
        foreach (var v in sample) perBin[q.Quantize(v)]++;
        Assert.Equal(70, perBin[0]);
        Assert.Equal(100, perBin.Sum());
        Assert.Equal(0, perBin[1]);
    }

    [Fact]
    public void EqualWidthBinsAreRightClosedAndClampOutsideTheFittedRange()
    {
        var q = BinQuantizer.EqualWidth(new float[] { 0, 4, 2 }, 4);
        Assert.Equal(new[] { 1f, 2f, 3f }, q.Edges.ToArray());
        Assert.Equal(0, q.Quantize(0));
        Assert.Equal(0, q.Quantize(1));    // on an edge: lower bin
        Assert.Equal(1, q.Quantize(1.5f));
        Assert.Equal(3, q.Quantize(4));
        Assert.Equal(0, q.Quantize(-100)); // below the calibration range
        Assert.Equal(3, q.Quantize(100));  // above it
    }

    [Fact]
    public void EqualWidthBinsOfAConstantSamplePutEverythingInTheFirstLevel()
    {
        var q = BinQuantizer.EqualWidth(new float[] { 2, 2, 2 }, 3);
        Assert.Equal(0, q.Quantize(2));
        Assert.Equal(2, q.Quantize(2.1f));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(BinQuantizer.MaxBins + 1)]
    public void BinCountOutsideTheSupportedRangeIsRefused(int bins)
    {
        var error = Assert.Throws<InfoPruneException>(() => BinQuantizer.EqualFrequency(new float[] { 1, 2, 3 }, bins));
        Assert.Equal("IP0501", error.Code.Id);
    }

    [Fact]
    public void FittingFromUnusableSamplesIsRefused()
    {
        Assert.Equal(InformationErrors.EmptySample, Assert.Throws<InfoPruneException>(() => BinQuantizer.EqualFrequency(ReadOnlySpan<float>.Empty, 2)).Code);
        Assert.Equal(InformationErrors.EmptySample, Assert.Throws<InfoPruneException>(() => BinQuantizer.EqualWidth(ReadOnlySpan<float>.Empty, 2)).Code);
        Assert.Equal(InformationErrors.NonFiniteActivation, Assert.Throws<InfoPruneException>(() => BinQuantizer.EqualFrequency(new[] { 1f, float.NaN }, 2)).Code);
        Assert.Equal(InformationErrors.NonFiniteActivation, Assert.Throws<InfoPruneException>(() => BinQuantizer.EqualWidth(new[] { 1f, float.PositiveInfinity }, 2)).Code);
    }

    [Fact]
    public void PerUnitFittingUsesEachUnitsOwnColumn()
    {
        // Unit 0 spans 0..99, unit 1 spans 1000..1099: the edges follow each column, not the whole matrix.
        const int rows = 100;
        var calibration = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            calibration[r * 2] = r;
            calibration[r * 2 + 1] = 1000 + r;
        }
        var bins = QuantizerFitting.Bins(calibration, 2, 2, BinningMode.EqualFrequency);
        Assert.Equal(49f, bins[0].Edges[0]);
        Assert.Equal(1049f, bins[1].Edges[0]);

        var medians = QuantizerFitting.Thresholds(calibration, 2, "Softplus");
        Assert.Equal(49f, ((ThresholdQuantizer)medians[0]).Threshold);
        Assert.Equal(1049f, ((ThresholdQuantizer)medians[1]).Threshold);

        var relu = QuantizerFitting.Thresholds(calibration, 2, "Relu");
        Assert.All(relu, q => Assert.Equal(0f, ((ThresholdQuantizer)q).Threshold));
    }
}
