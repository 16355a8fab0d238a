using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Methods;
using InfoPrune.Core.Tests.Support;
using TorchSharp;

namespace InfoPrune.Core.Tests.Analysis;

public class NeuronAnalysisTests
{
    private static readonly NeuronAnalysisOptions Small = new() { CalibrationSamples = 400, EvaluationSamples = 400, Steps = 5, RandomSeeds = 2, BatchSize = 128 };

    [Fact]
    public void AblatingTheLabelCopyHurtsMoreThanAblatingNoise()
    {
        var model = ToyNets.LabelAndNoise("Relu");
        var data = ToyNets.LabelAndNoiseData(800);
        using var ablator = CreateAblator(model, data, groupIndex: 0, out _);

        var untouched = ablator.Accuracy(Array.Empty<int>(), balanced: false);
        var withoutCopy = ablator.Accuracy(new[] { ToyNets.LabelCopy }, balanced: false);
        var withoutNoise = ablator.Accuracy(new[] { ToyNets.Noise }, balanced: false);

        Assert.Equal(1.0, untouched);
        Assert.Equal(1.0, withoutNoise);
        Assert.Equal(0.5, withoutCopy, 3);
    }

    [Fact]
    public void EveryCurveStartsAtTheUnmodifiedModelsAccuracy()
    {
        var model = ToyNets.TwoHiddenLayers("Sigmoid");
        var data = ToyNets.ThreeClassData(800);
        var result = NeuronAnalysis.Run(model, new InMemoryBatchSource(data), Small);

        var evaluation = Slice(data, 400, 400);
        Assert.Equal(evaluation.Accuracy(model), result.OriginalAccuracy, 6);
        Assert.False(result.SamplesOverlap);
        Assert.Equal(2, result.Layers.Count);
        foreach (var curve in result.Layers.SelectMany(l => l.Curves))
        {
            Assert.Equal(0, curve.Points[0].Ablated);
            Assert.Equal(result.OriginalAccuracy, curve.Points[0].Accuracy, 6);
            Assert.Equal(1.0, curve.Points[^1].Fraction);
        }
        // Five measures, both directions, two random orders; each plain and balanced (sigmoid consumers are Gemms with biases).
        Assert.All(result.Layers, l => Assert.Equal((5 * 2 + 2) * 2, l.Curves.Count));
    }

    [Fact]
    public void AblatingAWholeLayerLeavesTheConstantOutputModelsAccuracy()
    {
        // To zero, the output layer sees h = 0 and predicts argmax(b2); balanced, it sees the
        // calibration means and predicts argmax(W2·mean + b2). Either way one class for every sample.
        var model = ToyNets.LabelAndNoise("Relu");
        var data = ToyNets.LabelAndNoiseData(800);
        var result = NeuronAnalysis.Run(model, new InMemoryBatchSource(data), Small);
        var layer = Assert.Single(result.Layers);
        var labels = Slice(data, 400, 400).Labels;

        var w2 = model.Graph.Initializers["w2"].ToFloatArray();
        var b2 = model.Graph.Initializers["b2"].ToFloatArray();
        var means = layer.Units.Select(u => u.MeanActivation).ToArray();
        double FractionOf(int label) => labels.Count(l => l == label) / (double)labels.Length;
        int Argmax(double[] logits) => logits[1] > logits[0] ? 1 : 0;
        var zeroClass = Argmax(b2.Select(b => (double)b).ToArray());
        var meanClass = Argmax(Enumerable.Range(0, 2).Select(c => b2[c] + Enumerable.Range(0, 4).Sum(j => w2[c * 4 + j] * means[j])).ToArray());

        foreach (var curve in layer.Curves)
            Assert.Equal(FractionOf(curve.Balanced ? meanClass : zeroClass), curve.Points[^1].Accuracy, 6);
    }

    [Fact]
    public void BalancingKeepsASigmoidUnitSaturatedHighWhileZeroingItBreaksTheNet()
    {
        // The paper's case for bias balancing (Fig. 1): a saturated sigmoid unit carries no
        // information (H = 0 at the 0.5 threshold) but a constant ≈ 1 that the next layer relies on.
        // Zeroing it shifts the logits by its weights; replacing it by its mean changes nothing.
        var model = new TestModelBuilder(13, seed: 2).Input("x", "N", 2).Output("logits", "N", 2)
            .Floats("w1", new long[] { 2, 2 }, new[] { 8f, 0f, 0f, 0f }).Floats("b1", new long[] { 2 }, new[] { -4f, 20f })
            .Floats("w2", new long[] { 2, 2 }, new[] { -4f, 3f, 4f, -3f }).Floats("b2", new long[] { 2 }, new[] { -1f, 1f })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "pre" }, ("transB", 1L))
            .Node("Sigmoid", new[] { "pre" }, new[] { "h" })
            .Node("Gemm", new[] { "h", "w2", "b2" }, new[] { "logits" }, ("transB", 1L))
            .Build();
        var data = ToyNets.LabelAndNoiseData(800);
        using var ablator = CreateAblator(model, data, groupIndex: 0, out var context);
        const int saturated = 1;

        Assert.Equal(1.0, context.Measurements.MeanActivations["h"][saturated], 3);
        Assert.Equal(1.0, ablator.Accuracy(Array.Empty<int>(), balanced: false));
        Assert.Equal(1.0, ablator.Accuracy(new[] { saturated }, balanced: true));
        Assert.Equal(0.5, ablator.Accuracy(new[] { saturated }, balanced: false), 3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AblationAgreesWithSurgeryThatRemovesTheSameUnits(bool balanced)
    {
        // Zeroing a unit's outgoing weights (plus balancing into the bias) must be what removing it does.
        var model = ToyNets.TwoHiddenLayers("Sigmoid");
        var data = ToyNets.ThreeClassData(800);
        using var ablator = CreateAblator(model, data, groupIndex: 0, out var context);
        var removed = new[] { 1, 3, 4 };

        var keep = Enumerable.Range(0, 6).Except(removed).ToArray();
        var plan = new PruningPlan(new[] { new GroupDecision(context.Group.Id, keep, "test") }, context.Measurements.MeanActivations,
            balanced ? new[] { context.Group.Id } : null);
        var pruned = Surgery.Apply(context.Graph, plan);

        Assert.Equal(Slice(data, 400, 400).Accuracy(pruned), ablator.Accuracy(removed, balanced), 6);
    }

    [Fact]
    public void MeasureOrderingsRunLowToHighAndBack()
    {
        var scores = new[] { 0.5, 0.1, 0.9, 0.1, 0.3 };
        Assert.Equal(new[] { 1, 3, 4, 0, 2 }, AblationOrdering.ByMeasure(NeuronMeasure.MutualInformation, scores, AblationDirection.LowFirst).Units);
        Assert.Equal(new[] { 2, 0, 4, 1, 3 }, AblationOrdering.ByMeasure(NeuronMeasure.MutualInformation, scores, AblationDirection.HighFirst).Units);
        Assert.Equal("mutual-information-low", AblationOrdering.ByMeasure(NeuronMeasure.MutualInformation, scores, AblationDirection.LowFirst).Name);
    }

    [Fact]
    public void RandomOrderingsArePermutationsFixedByTheirSeed()
    {
        var a = AblationOrdering.Random(50, 1, seed: 7);
        Assert.Equal(Enumerable.Range(0, 50), a.Units.OrderBy(u => u));
        Assert.Equal(a.Units, AblationOrdering.Random(50, 1, seed: 7).Units);
        Assert.NotEqual(a.Units, AblationOrdering.Random(50, 2, seed: 8).Units);
    }

    [Fact]
    public void StepsAreEvenFractionsOfTheLayerWithoutRepeats()
    {
        Assert.Equal(new[] { 0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300 }, NeuronAnalysis.StepCounts(300, 11));
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, NeuronAnalysis.StepCounts(4, 11));
    }

    [Fact]
    public void SmallDataIsSharedBetweenMeasuringAndEvaluationAndSaysSo()
    {
        var result = NeuronAnalysis.Run(ToyNets.LabelAndNoise("Sigmoid"), new InMemoryBatchSource(ToyNets.LabelAndNoiseData(300)), Small);
        Assert.True(result.SamplesOverlap);
        Assert.Equal(300, result.CalibrationSamples);
        Assert.Equal(300, result.EvaluationSamples);
        Assert.Contains(result.Notes, n => n.Contains("overlap", StringComparison.Ordinal));
    }

    private sealed record AblationContext(DependencyGraph Graph, ChannelGroup Group, ActivationMeasurements Measurements);

    /// <summary>An ablator for the n-th prunable group, measured on the first 400 samples and evaluated on the next 400.</summary>
    private static LayerAblator CreateAblator(OnnxModel model, InMemoryData data, int groupIndex, out AblationContext context)
    {
        var graph = DependencyGraph.Analyze(model);
        var calibration = Slice(data, 0, 400);
        var measurements = calibration.Measure(model, graph);
        var group = graph.PrunableGroups.ElementAt(groupIndex);
        context = new AblationContext(graph, group, measurements);
        var (_, evaluation, _) = SampleSet.Split(new InMemoryBatchSource(data), 400, 400, 128);
        using var full = GraphExecutor.Create(graph.Model, torch.CPU);
        return LayerAblator.Create(full, graph, group, measurements.MeanActivations, evaluation, 128)!;
    }

    private static InMemoryData Slice(InMemoryData data, int start, int count)
    {
        var length = data.SampleShape.Aggregate(1, (a, b) => a * b);
        return new InMemoryData(data.Images.AsSpan(start * length, count * length).ToArray(), data.Labels.AsSpan(start, count).ToArray(), data.SampleShape);
    }
}
