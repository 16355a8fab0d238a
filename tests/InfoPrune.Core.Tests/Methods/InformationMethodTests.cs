using System.Collections.Immutable;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Tests.Methods;

public class InformationMethodTests
{
    private static readonly TargetPolicy KeepHalf = new(TargetKind.Ratio, 0.5);

    /// <summary>The measures alone, without weight magnitude: what these tests check is the paper's ranking.</summary>
    private static readonly MeasureSettings InformationAlone = MeasureSettings.Default with { Magnitude = MagnitudeBlend.None };

    private static (DependencyGraph Graph, MethodContext Context) Measured(InfoPrune.Core.Onnx.OnnxModel model, InMemoryData data)
    {
        var graph = DependencyGraph.Analyze(model);
        return (graph, new MethodContext { Measurements = data.Measure(model, graph, batchSize: 64) });
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    public void MutualInformationRanksTheLabelCopyingUnitFirstAndPrunesTheNoiseUnit(string activation)
    {
        var (graph, context) = Measured(ToyNets.LabelAndNoise(activation), ToyNets.LabelAndNoiseData(400));
        var method = new InformationMeasureMethod(InformationMeasure.MutualInformation, InformationAlone);

        var scores = Assert.Single(method.Score(graph, context)).Value;
        Assert.Equal(ToyNets.LabelCopy, Array.IndexOf(scores, scores.Max()));
        Assert.Equal(1.0, scores[ToyNets.LabelCopy], 6); // one bit: the unit is the label
        Assert.True(scores[ToyNets.Noise] < 0.05, $"noise unit scored {scores[ToyNets.Noise]}");
        Assert.Equal(0.0, scores[ToyNets.Dead], 9);

        var decision = Assert.Single(method.Plan(graph, context, KeepHalf, ConstraintsPolicy.Default).Decisions.Values);
        Assert.Equal(new[] { ToyNets.LabelCopy, ToyNets.Partial }, decision.Keep);
        Assert.False(method.RanksAcrossLayers);
        Assert.Empty(method.Warnings);
    }

    [Theory]
    [InlineData(InformationMeasure.Entropy, NeuronMeasure.Entropy)]
    [InlineData(InformationMeasure.KlSelectivity, NeuronMeasure.KlSelectivity)]
    [InlineData(InformationMeasure.JsSeparation, NeuronMeasure.JsSeparation)]
    [InlineData(InformationMeasure.LabeledMi, NeuronMeasure.LabeledMi)]
    public void EveryMeasureScoresFromTheSameCounts(InformationMeasure measure, NeuronMeasure estimator)
    {
        var (graph, context) = Measured(ToyNets.LabelAndNoise("Relu"), ToyNets.LabelAndNoiseData(200));
        var method = (IImportanceMethod)MethodCatalog.Create(new MethodPolicy(MeasureNames.PolicyName(measure), new InformationMeasureParameters(measure, InformationAlone)));
        var group = Assert.Single(context.Measurements!.Groups.Values);
        Assert.Equal(MeasureNames.PolicyName(measure), method.Name);
        Assert.Equal(InformationMeasures.Score(group.Counts, estimator), method.Score(graph, context)[group.GroupId]);
    }

    [Fact]
    public void HybridSplitsLayersIntoShallowAndDeepByDepth()
    {
        var paper = new HybridParameters();
        Assert.Equal(new[] { true, false }, HybridLayout.Assign(new[] { 0, 1 }, paper).Select(l => l.IsShallow));
        Assert.Equal(new[] { true, false, false }, HybridLayout.Assign(new[] { 0, 1, 2 }, paper).Select(l => l.IsShallow));
        Assert.Equal(2, HybridLayout.Assign(Enumerable.Range(0, 6).ToArray(), paper).Count(l => l.IsShallow));
        Assert.Equal(3, HybridLayout.Assign(Enumerable.Range(0, 6).ToArray(), paper with { Split = ImmutableArray.Create(1.0, 1.0) }).Count(l => l.IsShallow));
        var layers = HybridLayout.Assign(new[] { 4, 9 }, paper);
        Assert.Equal((4, InformationMeasure.MutualInformation, 1.0), (layers[0].GroupId, layers[0].Measure, layers[0].PruneWeight));
        Assert.Equal((9, InformationMeasure.KlSelectivity, 2.0), (layers[1].GroupId, layers[1].Measure, layers[1].PruneWeight));
    }

    [Fact]
    public void HybridScoresShallowLayersByMutualInformationAndDeepOnesByKlSelectivity()
    {
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300));
        var scores = new HybridMethod(new HybridParameters { Settings = InformationAlone }).Score(graph, context);
        var groups = context.Measurements!.Groups.Values.OrderBy(g => g.GroupId).ToArray();
        Assert.Equal(2, groups.Length);
        Assert.Equal(groups[0].Scores(NeuronMeasure.MutualInformation), scores[groups[0].GroupId]);
        Assert.Equal(groups[1].Scores(NeuronMeasure.KlSelectivity), scores[groups[1].GroupId]);
    }

    [Fact]
    public void HybridWithSplitRatesUnderABudgetPrunesDeepLayersTwiceAsHard()
    {
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300));
        var plan = new HybridMethod(new HybridParameters { SplitRates = true })
            .Plan(graph, context, new TargetPolicy(TargetKind.Params, 0.7), ConstraintsPolicy.Default with { MaxRatio = 1 });
        var kept = plan.Decisions.Values.OrderBy(d => d.GroupId).Select(d => d.Kept).ToArray();
        // Parameters 93 = 30 + 42 + 21. Two layers of 6 at pruning rates k and 2k (the paper's 1:2): keeping
        // (6, 4) leaves 73 > 65.1, keeping (5, 4) leaves 64 — the first step that fits, 1 and 2 units pruned.
        Assert.Equal(new[] { 5, 4 }, kept);
        Assert.True(new CostModel(graph).Cost(plan).Params <= 0.7 * new CostModel(graph).OriginalParams);
    }

    [Fact]
    public void HybridByDefaultSharesABudgetLikeTheSingleMeasures()
    {
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300));
        var target = new TargetPolicy(TargetKind.Params, 0.7);
        var constraints = ConstraintsPolicy.Default with { MaxRatio = 1 };
        var hybrid = new HybridMethod().Plan(graph, context, target, constraints);
        var single = new InformationMeasureMethod(InformationMeasure.MutualInformation).Plan(graph, context, target, constraints);
        Assert.Equal(single.Decisions.Values.Select(d => d.Kept), hybrid.Decisions.Values.Select(d => d.Kept));
        Assert.Equal(LayerAllocation.Uniform, ((IImportanceMethod)new HybridMethod()).PreferredAllocation);
        Assert.Equal(LayerAllocation.Auto, ((IImportanceMethod)new HybridMethod(new HybridParameters { SplitRates = true })).PreferredAllocation);
    }

    [Fact]
    public void HybridUnderARatioKeepsThatFractionOfEveryLayer()
    {
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300));
        var plan = new HybridMethod().Plan(graph, context, KeepHalf, ConstraintsPolicy.Default);
        Assert.All(plan.Decisions.Values, d => Assert.Equal(3, d.Kept));
        Assert.All(plan.Decisions.Values, d => Assert.Contains("hybrid", d.Reason));
    }

    [Theory]
    [InlineData("Sigmoid", Compensation.Auto, true)]
    [InlineData("Relu", Compensation.Auto, false)]
    [InlineData("Sigmoid", Compensation.None, false)]
    [InlineData("Relu", Compensation.Mean, true)]
    public void CompensationDefaultFollowsTheActivation(string activation, Compensation setting, bool compensated)
    {
        var (graph, context) = Measured(ToyNets.LabelAndNoise(activation), ToyNets.LabelAndNoiseData(100));
        var method = new InformationMeasureMethod(InformationMeasure.MutualInformation, MeasureSettings.Default with { Compensation = setting });
        var plan = method.Plan(graph, context, KeepHalf, ConstraintsPolicy.Default);
        var group = Assert.Single(plan.Decisions.Keys);
        Assert.Equal(compensated, plan.CompensatedGroups.Contains(group));
        Assert.Same(context.Measurements!.MeanActivations, plan.MeanActivations);
    }

    [Fact]
    public void BiasBalancingFoldsTheRemovedUnitsMeanIntoTheNextBias()
    {
        var model = ToyNets.LabelAndNoise("Sigmoid");
        var (graph, context) = Measured(model, ToyNets.LabelAndNoiseData(100));
        var plan = new InformationMeasureMethod(InformationMeasure.MutualInformation).Plan(graph, context, KeepHalf, ConstraintsPolicy.Default);
        var pruned = Surgery.Apply(graph, plan);
        var means = context.Measurements!.MeanActivations["h"];
        var w2 = model.Graph.Initializers["w2"].ToFloatArray();
        var b2 = model.Graph.Initializers["b2"].ToFloatArray();
        var newBias = pruned.Graph.Initializers["b2"].ToFloatArray();
        for (var o = 0; o < 2; o++)
        {
            var expected = b2[o] + w2[o * 4 + ToyNets.Noise] * means[ToyNets.Noise] + w2[o * 4 + ToyNets.Dead] * means[ToyNets.Dead];
            Assert.Equal(expected, newBias[o], 5);
        }
    }

    [Fact]
    public void CrossLayerRankingIsOnlyOnRequestAndWarned()
    {
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300));
        var method = new InformationMeasureMethod(InformationMeasure.MutualInformation, InformationAlone with { CrossLayer = true });
        Assert.True(method.RanksAcrossLayers);
        var warning = Assert.Single(method.Warnings);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("IP0545", warning.Code.Id);

        // On request, the lowest raw scores anywhere go: 6 of the 12 units, whichever layer they are in.
        var scores = method.Score(graph, context);
        var plan = method.Plan(graph, context, KeepHalf, ConstraintsPolicy.Default with { MaxRatio = 1 });
        var threshold = scores.Values.SelectMany(s => s).OrderBy(s => s).ElementAt(5);
        foreach (var (id, decision) in plan.Decisions)
            Assert.All(decision.Keep, i => Assert.True(scores[id][i] >= threshold));
        Assert.Equal(6, plan.Decisions.Values.Sum(d => d.Kept));
    }

    [Fact]
    public void ScoringWithoutMeasurementsIsRefused()
    {
        var graph = DependencyGraph.Analyze(ToyNets.LabelAndNoise("Relu"));
        var error = Assert.Throws<InfoPruneException>(() => new HybridMethod().Score(graph, new MethodContext()));
        Assert.Contains("IP0540", error.Message + string.Join(" ", error.Diagnostics.Select(d => d.Code.Id)));
    }

    [Fact]
    public void CatalogBuildsTheMethodThePolicyNamesAndItDeclaresItsMeasurement()
    {
        Assert.IsType<HybridMethod>(MethodCatalog.Create(new MethodPolicy("hybrid", new HybridParameters())));
        Assert.NotNull(MethodCatalog.Create(new MethodPolicy("hybrid", new HybridParameters())).Measurement);
        // A weights-only method asks for no calibration pass.
        Assert.Null(MethodCatalog.Create(new MethodPolicy("l1", NoParameters.Instance)).Measurement);
        var options = MethodCatalog.Create(new MethodPolicy("entropy",
            new InformationMeasureParameters(InformationMeasure.Entropy, MeasureSettings.Default with { Collapse = Core.Methods.Information.ChannelCollapse.L2 }))).Measurement!;
        Assert.Equal(ChannelCollapseMode.L2, options.Collapse);
    }
}
