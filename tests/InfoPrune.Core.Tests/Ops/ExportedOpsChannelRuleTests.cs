using InfoPrune.Core.Graph;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>How channels flow through the ops of issue 17, and what surgery does to their per-channel data.</summary>
public class ExportedOpsChannelRuleTests
{
    private static (DependencyGraph Graph, PruningPlan Plan, InfoPrune.Core.Onnx.OnnxModel Pruned) PruneEveryOther(InfoPrune.Core.Onnx.OnnxModel model)
    {
        var graph = DependencyGraph.Analyze(model);
        var plan = PruningAssert.EveryOtherChannel(graph);
        return (graph, plan, Surgery.Apply(graph, plan));
    }

    [Fact]
    public void InstanceNormScaleAndBiasAreSlicedWithTheConvChannels()
    {
        var model = new TestModelBuilder(13, seed: 21).Input("x", "N", 2, 6, 6).Output("y", "N", 3, 4, 4)
            .Weight("w1", new long[] { 6, 2, 3, 3 }).Weight("s", new long[] { 6 }, 0.5f, 1.5f).Weight("b", new long[] { 6 })
            .Weight("w2", new long[] { 3, 6, 1, 1 })
            .Node("Conv", new[] { "x", "w1" }, new[] { "c" })
            .Node("InstanceNormalization", new[] { "c", "s", "b" }, new[] { "n" })
            .Node("Relu", new[] { "n" }, new[] { "r" })
            .Node("Conv", new[] { "r", "w2" }, new[] { "y" })
            .Build();
        var (graph, plan, pruned) = PruneEveryOther(model);
        var group = Assert.Single(graph.PrunableGroups);
        Assert.Contains(group.Members, m => m.Initializer == "s" && m.Role == MemberRole.PerChannel);
        Assert.Equal(new long[] { 3 }, pruned.Graph.Initializers["s"].Shape);
        Assert.True(PruningAssert.OrtDifference(pruned, PruningAssert.ZeroRemovedChannels(graph, plan), new long[] { 2, 2, 6, 6 }) <= 1e-4);
    }

    [Fact]
    public void LayerNormOverFeaturesIsSlicedWithThemAndStillRunsLikeOrt()
    {
        // ConvNeXt's head: global average → LayerNorm over the channels → Linear.
        var model = new TestModelBuilder(17, seed: 22).Input("x", "N", 1, 6, 6).Output("y", "N", 3)
            .Weight("cw", new long[] { 8, 1, 3, 3 }).Weight("s", new long[] { 8 }, 0.5f, 1.5f).Weight("b", new long[] { 8 })
            .Weight("fw", new long[] { 3, 8 })
            .Node("Conv", new[] { "x", "cw" }, new[] { "c" })
            .Node("GlobalAveragePool", new[] { "c" }, new[] { "g" })
            .Node("Flatten", new[] { "g" }, new[] { "f" })
            .Node("LayerNormalization", new[] { "f", "s", "b" }, new[] { "n" })
            .Node("Gemm", new[] { "n", "fw" }, new[] { "y" }, ("transB", 1L))
            .Build();
        var (graph, _, pruned) = PruneEveryOther(model);
        var group = Assert.Single(graph.PrunableGroups);
        Assert.Contains(group.Members, m => m.Initializer == "s" && m.Role == MemberRole.PerChannel);
        Assert.Equal(new long[] { 4 }, pruned.Graph.Initializers["b"].Shape);
        ParityAssert.MatchesOrt(pruned, new long[] { 2, 1, 6, 6 });
    }

    [Fact]
    public void ConvTransposeCreatesAGroupOnWeightAxisOneAndConsumesOnAxisZero()
    {
        var model = new TestModelBuilder(13, seed: 23).Input("x", "N", 2, 4, 4).Output("y", "N", 2, 8, 8)
            .Weight("w1", new long[] { 6, 2, 3, 3 }).Weight("b1", new long[] { 6 })
            .Weight("wt", new long[] { 6, 5, 2, 2 }).Weight("bt", new long[] { 5 })
            .Weight("w2", new long[] { 2, 5, 1, 1 })
            .Node("Conv", new[] { "x", "w1", "b1" }, new[] { "c" }, ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", new[] { "c" }, new[] { "r" })
            .Node("ConvTranspose", new[] { "r", "wt", "bt" }, new[] { "t" }, ("strides", new long[] { 2, 2 }))
            .Node("Relu", new[] { "t" }, new[] { "u" })
            .Node("Conv", new[] { "u", "w2" }, new[] { "y" })
            .Build();
        var (graph, plan, pruned) = PruneEveryOther(model);
        Assert.Equal(2, graph.PrunableGroups.Count());
        Assert.Equal(new long[] { 3, 3, 2, 2 }, pruned.Graph.Initializers["wt"].Shape);
        Assert.True(PruningAssert.OrtDifference(pruned, PruningAssert.ZeroRemovedChannels(graph, plan), new long[] { 2, 2, 4, 4 }) <= 1e-4);
        var transpose = graph.Trace.Single(t => t.Node.OpType == "ConvTranspose");
        // The analysis traces batch 1: each of the 6·4·4 input elements feeds 5 channels × a 2×2 window.
        Assert.Equal(6L * 4 * 4 * 5 * 2 * 2, transpose.Macs);
    }

    [Fact]
    public void SplitAlongChannelsFreezesWithItsReasonButAlongSpaceKeepsThem()
    {
        var model = new TestModelBuilder(13, seed: 24).Input("x", "N", 2, 6, 6).Output("y", "N", 2, 6, 6)
            .Weight("w1", new long[] { 4, 2, 1, 1 }).Weight("w2", new long[] { 2, 4, 1, 1 })
            .Int64s("halves", new long[] { 2 }, new long[] { 3, 3 })
            .Node("Conv", new[] { "x", "w1" }, new[] { "c" })
            .Node("Split", new[] { "c", "halves" }, new[] { "top", "bottom" }, ("axis", 2L))
            .Node("Concat", new[] { "bottom", "top" }, new[] { "s" }, ("axis", 2L))
            .Node("Conv", new[] { "s", "w2" }, new[] { "d" })
            .Node("Split", new[] { "d" }, new[] { "a", "b" }, ("axis", 1L))
            .Node("Concat", new[] { "b", "a" }, new[] { "y" }, ("axis", 1L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        Assert.Contains(graph.PrunableGroups, g => g.Size == 4);
        var split = Assert.Single(graph.Groups, g => g.Size == 2);
        Assert.Contains(split.FrozenReasons, r => r.Contains("(Split) splits the channel axis"));
    }
}
