using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Methods;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Pruning;

public class SensitivityAllocationTests
{
    private static DependencyGraph LeNet() => DependencyGraph.Analyze(OnnxModel.Load(TestModels.Path("lenet5.onnx")));

    /// <summary>A sensitivity where each group's loss rises linearly with the removed fraction, at its own slope.</summary>
    private static LayerSensitivity Linear(DependencyGraph graph, Func<ChannelGroup, double> slope) => new(
        graph.PrunableGroups.ToDictionary(g => g.Id, g => (IReadOnlyDictionary<int, double>)new Dictionary<int, double>
        {
            [g.Size * 3 / 4] = slope(g) * 0.25, [g.Size / 2] = slope(g) * 0.5, [Math.Max(1, g.Size / 4)] = slope(g) * 0.75,
        }),
        graph.PrunableGroups.ToDictionary(g => g.Id, g => g.Size));

    private static ConstraintsPolicy WithSensitivity(LayerSensitivity sensitivity) =>
        ConstraintsPolicy.Default with { Allocation = LayerAllocation.Sensitivity, Sensitivity = sensitivity, RoundTo = 1 };

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    [InlineData(0.08)]
    public void MeetsTheMacsBudgetAndCannotKeepOneMoreChannel(double fraction)
    {
        var graph = LeNet();
        var cost = new CostModel(graph);
        var constraints = WithSensitivity(Linear(graph, _ => 1));
        var plan = ChannelSelector.Select(graph, MagnitudeMethod.L1.Score(graph, new MethodContext()), new TargetPolicy(TargetKind.Macs, fraction),
            constraints, rankAcrossLayers: true, "l1");
        var macs = cost.Cost(plan).Macs;
        Assert.True(macs <= fraction * cost.OriginalMacs, $"{macs} MACs for a budget of {fraction * cost.OriginalMacs}");
        foreach (var group in graph.PrunableGroups.Where(g => plan.KeptIndices(g).Count < g.Size))
        {
            var counts = plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept);
            counts[group.Id]++;
            Assert.True(cost.Cost(counts).Macs > fraction * cost.OriginalMacs, $"{group} could keep one more channel");
            Assert.True(plan.KeptIndices(group).Count >= constraints.MinimumKept(group));
        }
    }

    [Fact]
    public void TheCostlyLayerKeepsMoreThanAUniformRatioWouldAndTheCheapOnesPayForIt()
    {
        var graph = LeNet();
        var fc1 = graph.PrunableGroups.Single(g => g.Name == "/fc1/Gemm");
        var target = new TargetPolicy(TargetKind.Macs, 0.4);
        var scores = MagnitudeMethod.L1.Score(graph, new MethodContext());
        var bySensitivity = ChannelSelector.Select(graph, scores, target, WithSensitivity(Linear(graph, g => g.Id == fc1.Id ? 100 : 0.01)), false, "l1");
        var uniform = ChannelSelector.Select(graph, scores, target, ConstraintsPolicy.Default with { Allocation = LayerAllocation.Uniform, RoundTo = 1 }, false, "l1");
        Assert.Equal(fc1.Size, bySensitivity.KeptIndices(fc1).Count);
        Assert.True(uniform.KeptIndices(fc1).Count < fc1.Size);
        Assert.Contains("measured sensitivity", bySensitivity.Decisions.Values.First(d => d.Kept < graph.Groups[d.GroupId].Size).Reason);
    }

    [Fact]
    public void StepsRespectRoundToAndMaxRatio()
    {
        var graph = LeNet();
        var cost = new CostModel(graph);
        var constraints = WithSensitivity(Linear(graph, g => g.Size)) with { RoundTo = 4, MaxRatio = 0.5 };
        var plan = ChannelSelector.Select(graph, MagnitudeMethod.L1.Score(graph, new MethodContext()), new TargetPolicy(TargetKind.Macs, 0.3),
            constraints, false, "l1");
        foreach (var group in graph.PrunableGroups)
        {
            var kept = plan.KeptIndices(group).Count;
            Assert.True(kept % 4 == 0 || kept == group.Size, $"{group}: kept {kept}");
            Assert.True(kept >= group.Size / 2, $"{group}: kept {kept}, more than maxRatio 0.5 removed");
        }
        // maxRatio 0.5 cannot reach 30%: the plan stops at the constraints, as far as they allow.
        Assert.True(cost.Cost(plan).Macs > 0.3 * cost.OriginalMacs);
    }

    [Fact]
    public void CostIsInterpolatedAndNeverFallsAsUnitsAreRemoved()
    {
        var sensitivity = new LayerSensitivity(
            new Dictionary<int, IReadOnlyDictionary<int, double>> { [0] = new Dictionary<int, double> { [75] = 0.2, [50] = -0.1, [25] = 1.0 } },
            new Dictionary<int, int> { [0] = 100 });
        Assert.Equal(0, sensitivity.Cost(0, 100));
        Assert.Equal(0.2 * 13 / 25, sensitivity.Cost(0, 87), 9);
        Assert.Equal(0.2, sensitivity.Cost(0, 60), 9); // the dip to −0.1 at 50 is read as no gain
        Assert.Equal(0.2 + 0.8 * 13 / 25, sensitivity.Cost(0, 37), 9);
        Assert.Equal(1.0 + 0.8 * 5 / 25, sensitivity.Cost(0, 20), 9); // below the last point: its slope continues
    }

    [Fact]
    public void SensitivityPassMeasuresEveryCandidateLayerAtTheKeptCountsItRemoves()
    {
        var graph = LeNet();
        var data = InMemoryData.FashionMnistTest(300);
        var scores = MagnitudeMethod.L1.Score(graph, new MethodContext());
        var constraints = ConstraintsPolicy.Default with { Exclude = [NodeSelector.Exact("/fc2/Gemm")] };
        var sensitivity = SensitivityPass.Run(graph, scores, data.Batches(128), constraints);

        var fc2 = graph.PrunableGroups.Single(g => g.Name == "/fc2/Gemm");
        Assert.False(sensitivity.Covers(fc2.Id));
        foreach (var group in graph.PrunableGroups.Where(g => g.Id != fc2.Id))
        {
            var curve = sensitivity.Curves[group.Id];
            Assert.Equal(group.Size, curve.Kept[0]);
            Assert.Equal(constraints.MinimumKept(group), curve.Kept[^1]);
            Assert.Contains((int)Math.Ceiling(group.Size * 0.5), curve.Kept);
            // Removing most of a trained layer costs loss; the curve never falls.
            Assert.True(curve.Cost[^1] > 0.05, $"{group}: {string.Join(", ", curve.Cost)}");
            for (var i = 1; i < curve.Cost.Length; i++) Assert.True(curve.Cost[i] >= curve.Cost[i - 1]);
        }
    }

    [Fact]
    public void SensitivityOfAModelWithOneOutputForTwoClassesIsRefusedWithTheModelFile()
    {
        // One sigmoid-style logit for labels 0 and 1: accuracy could be read, cross-entropy over classes cannot.
        var model = new TestModelBuilder(13, seed: 2).Input("x", "N", 2).Output("logit", "N", 1)
            .Weight("w1", new long[] { 4, 2 }).Weight("b1", new long[] { 4 })
            .Weight("w2", new long[] { 1, 4 }).Weight("b2", new long[] { 1 })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "pre" }, ("transB", 1L))
            .Node("Relu", new[] { "pre" }, new[] { "h" })
            .Node("Gemm", new[] { "h", "w2", "b2" }, new[] { "logit" }, ("transB", 1L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var scores = MagnitudeMethod.L1.Score(graph, new MethodContext());

        var error = Assert.Throws<InfoPruneException>(() => SensitivityPass.Run(graph, scores, ToyNets.LabelAndNoiseData(64).Batches(32), ConstraintsPolicy.Default));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("IP0862", diagnostic.Code.Id);
        Assert.Equal(model.SourcePath, diagnostic.File);
    }
}
