using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>
/// PyTorch exports that use the ops of issue 17 (Fixtures/make_exported_ops_fixtures.py): they
/// run like ONNX Runtime, analyze with the blocking ops frozen for a stated reason, and prune to a
/// smaller model that computes what zeroing the removed channels computes.
/// </summary>
public class ExportedArchitecturePruningTests
{
    private static readonly long[] InputShape = { 2, 1, 28, 28 };

    private static OnnxModel Fixture(string file) => OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));

    private static DependencyGraph PrunesLikeZeroing(string file)
    {
        var model = Fixture(file);
        ParityAssert.MatchesOrt(model, InputShape);
        var graph = DependencyGraph.Analyze(model);
        Assert.NotEmpty(graph.PrunableGroups);
        var plan = PruningAssert.EveryOtherChannel(graph);
        var pruned = Surgery.Apply(graph, plan);
        var difference = PruningAssert.OrtDifference(pruned, PruningAssert.ZeroRemovedChannels(graph, plan), InputShape);
        Assert.True(difference <= 1e-4, $"pruned vs zeroed: max difference {difference}");
        ParityAssert.MatchesOrt(pruned, InputShape);
        Assert.True(new CostModel(DependencyGraph.Analyze(pruned)).OriginalParams < new CostModel(graph).OriginalParams);
        return graph;
    }

    [Fact]
    public void ShuffleNetChannelSplitFreezesTheSplitGroupAndPrunesTheBranch()
    {
        var graph = PrunesLikeZeroing("shufflenet_split.onnx");
        var stem = graph.Groups.Single(g => g.Name == "/stem/stem.0/Conv");
        Assert.Contains(stem.FrozenReasons, r => r.Contains("(Slice) slices the channel axis"));
        Assert.Contains(graph.PrunableGroups, g => g.Name == "/unit/branch/branch.0/Conv");
    }

    [Fact]
    public void ConvNeXtBlockWithLayerNormRunsAndItsHeadPrunes()
    {
        var graph = PrunesLikeZeroing("convnext_block.onnx");
        // The head's LayerNorm normalises [N, C] over the stem's channels, so its scale and bias
        // belong to that group; the block's NHWC permute freezes it.
        var stem = graph.Groups.Single(g => g.Name.StartsWith("/stem/Conv", StringComparison.Ordinal));
        Assert.Contains(stem.Members, m => m.Node == "/norm/LayerNormalization" && m.Role == MemberRole.PerChannel);
        Assert.Contains(stem.FrozenReasons, r => r.Contains("(Transpose) moves the channel axis"));
    }

    [Fact]
    public void ClassTokenExpandedToTheBatchRunsAndTheConvsBeforeItPrune()
    {
        var model = Fixture("token_expand.onnx");
        var ops = model.Graph.Nodes.Select(n => n.OpType).ToHashSet();
        Assert.Superset(new HashSet<string> { "ConstantOfShape", "Equal", "Where", "Expand" }, ops);
        var graph = PrunesLikeZeroing("token_expand.onnx");
        Assert.Contains(graph.PrunableGroups, g => g.Name == "/conv/Conv");
    }
}
