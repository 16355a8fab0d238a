using InfoPrune.Core.Graph;
using InfoPrune.Core.Latency;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Tests.Latency;

/// <summary>The probe models the width table times: a group's layers cut out at one width.</summary>
public class GroupProbeTests
{
    private static readonly (string, object)[] Conv3x3 = [("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 })];

    /// <summary>x[N,4,8,8] → two identical blocks (conv 4→8, relu, conv 8→4, relu) → pool → gemm 4→3.</summary>
    internal static DependencyGraph TwoEqualBlocks()
    {
        var b = new TestModelBuilder().Input("x", "N", 4, 8, 8).Output("y", "N", 3);
        var input = "x";
        foreach (var block in new[] { "a", "b" })
        {
            b.Weight($"{block}1.w", [8, 4, 3, 3]).Weight($"{block}1.b", [8]).Weight($"{block}2.w", [4, 8, 3, 3]).Weight($"{block}2.b", [4])
             .Node("Conv", [input, $"{block}1.w", $"{block}1.b"], [$"{block}1"], Conv3x3)
             .Node("Relu", [$"{block}1"], [$"{block}1r"])
             .Node("Conv", [$"{block}1r", $"{block}2.w", $"{block}2.b"], [$"{block}2"], Conv3x3)
             .Node("Relu", [$"{block}2"], [$"{block}2r"]);
            input = $"{block}2r";
        }
        b.Node("GlobalAveragePool", [input], ["pooled"]).Node("Flatten", ["pooled"], ["flat"], ("axis", 1L))
         .Weight("fc.w", [3, 4]).Weight("fc.b", [3]).Node("Gemm", ["flat", "fc.w", "fc.b"], ["y"], ("transB", 1L));
        return DependencyGraph.Analyze(b.Build());
    }

    private static ChannelGroup GroupProducedBy(DependencyGraph graph, string weight) =>
        graph.Groups.Single(g => g.Members.Any(m => m.Initializer == weight && m.Role == MemberRole.Producer));

    [Fact]
    public void ProbeHoldsTheGroupsLayersAtTheWidthAndRunsInOnnxRuntime()
    {
        var graph = TwoEqualBlocks();
        var probe = GroupProbe.Build(graph, GroupProducedBy(graph, "a1.w"), width: 5, batch: 3);

        var model = OnnxModel.Parse(probe.Bytes);
        Assert.Equal(["Conv", "Relu", "Conv"], model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal([5L, 4, 3, 3], model.Graph.Initializers["a1.w"].Shape);
        Assert.Equal([4L, 5, 3, 3], model.Graph.Initializers["a2.w"].Shape);
        var (name, shape) = Assert.Single(probe.Inputs);
        Assert.Equal("x", name);
        Assert.Equal([3L, 4, 8, 8], shape);
        using var ort = new OrtModelRunner(probe.Bytes);
        Assert.Equal([3L, 4, 8, 8], ort.Run(new float[3 * 4 * 8 * 8], shape).Shape);
    }

    [Fact]
    public void EqualLayersShareOneSignatureAndWidthsDoNot()
    {
        var graph = TwoEqualBlocks();
        var first = GroupProducedBy(graph, "a1.w");
        var second = GroupProducedBy(graph, "b1.w");

        Assert.Equal(GroupProbe.Build(graph, first, 5, 8).Signature, GroupProbe.Build(graph, second, 5, 8).Signature);
        Assert.NotEqual(GroupProbe.Build(graph, first, 5, 8).Signature, GroupProbe.Build(graph, first, 6, 8).Signature);
        Assert.NotEqual(GroupProbe.Build(graph, first, 5, 8).Signature, GroupProbe.Build(graph, first, 5, 16).Signature);
    }

    [Fact]
    public void DepthwiseProbeFollowsTheWidthWithItsGroupAttribute()
    {
        // x → conv 2→6 → depthwise 3×3 (group 6) → relu → conv 6→3
        var model = new TestModelBuilder().Input("x", "N", 2, 6, 6).Output("y", "N", 3, 6, 6)
            .Weight("pw1", [6, 2, 1, 1]).Node("Conv", ["x", "pw1"], ["a"])
            .Weight("dw", [6, 1, 3, 3]).Node("Conv", ["a", "dw"], ["d"], ("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 }), ("group", 6L))
            .Node("Relu", ["d"], ["r"])
            .Weight("pw2", [3, 6, 1, 1]).Node("Conv", ["r", "pw2"], ["y"])
            .Build();
        var graph = DependencyGraph.Analyze(model);

        var probe = GroupProbe.Build(graph, GroupProducedBy(graph, "pw1"), width: 4, batch: 2);

        var depthwise = OnnxModel.Parse(probe.Bytes).Graph.Nodes.Single(n => n.Inputs.Contains("dw"));
        Assert.Equal(4, depthwise.GetInt("group", 0));
        using var ort = new OrtModelRunner(probe.Bytes);
        Assert.Equal([2L, 3, 6, 6], ort.Run(new float[2 * 2 * 6 * 6], [2, 2, 6, 6]).Shape);
    }

    [Fact]
    public void ResidualGroupProbeHoldsBothBranchesAndTheAdd()
    {
        // x → conv a (4→6) ─┬─ conv b (6→6) ─ Add ─ conv c (6→2)
        //                   └────────────────┘
        var model = new TestModelBuilder().Input("x", "N", 4, 5, 5).Output("y", "N", 2, 5, 5)
            .Weight("a", [6, 4, 1, 1]).Node("Conv", ["x", "a"], ["av"])
            .Weight("b", [6, 6, 1, 1]).Node("Conv", ["av", "b"], ["bv"])
            .Node("Add", ["av", "bv"], ["s"])
            .Weight("c", [2, 6, 1, 1]).Node("Conv", ["s", "c"], ["y"])
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var coupled = GroupProducedBy(graph, "a");
        Assert.Contains(coupled.Members, m => m.Initializer == "b" && m.Role == MemberRole.Producer);

        var probe = GroupProbe.Build(graph, coupled, width: 3, batch: 1);

        var nodes = OnnxModel.Parse(probe.Bytes).Graph.Nodes;
        Assert.Equal(["Conv", "Conv", "Add", "Conv"], nodes.Select(n => n.OpType));
        using var ort = new OrtModelRunner(probe.Bytes);
        Assert.Equal([1L, 2, 5, 5], ort.Run(new float[4 * 25], [1, 4, 5, 5]).Shape);
    }
}
