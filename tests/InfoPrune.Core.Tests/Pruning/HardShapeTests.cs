using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Pruning;

/// <summary>Analysis + surgery on the shapes that break naive pruners; each pruned model is checked against its zeroed original in ORT.</summary>
public class HardShapeTests
{
    private static void AssertPrunesLikeZeroing(OnnxModel model, long[] inputShape, int expectedPrunableGroups)
    {
        var graph = DependencyGraph.Analyze(model);
        Assert.Equal(expectedPrunableGroups, graph.PrunableGroups.Count());
        var plan = PruningAssert.EveryOtherChannel(graph);
        var pruned = Surgery.Apply(graph, plan);
        var difference = PruningAssert.OrtDifference(pruned, PruningAssert.ZeroRemovedChannels(graph, plan), inputShape);
        Assert.True(difference <= 1e-4, $"max difference {difference}");
        ParityAssert.MatchesOrt(pruned, inputShape);
        Assert.True(new CostModel(DependencyGraph.Analyze(pruned)).OriginalParams < new CostModel(graph).OriginalParams);
    }

    [Fact]
    public void FlattenMapsChannelToGemmBlock()
    {
        var model = new TestModelBuilder(13, seed: 11).Input("x", "N", 1, 6, 6).Output("y", "N", 4)
            .Weight("cw", new long[] { 5, 1, 3, 3 }).Weight("cb", new long[] { 5 })
            .Weight("fw", new long[] { 4, 5 * 3 * 3 }).Weight("fb", new long[] { 4 })
            .Node("Conv", new[] { "x", "cw", "cb" }, new[] { "c" })
            .Node("Relu", new[] { "c" }, new[] { "r" })
            .Node("MaxPool", new[] { "r" }, new[] { "p" }, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 1, 1 }))
            .Node("Flatten", new[] { "p" }, new[] { "f" })
            .Node("Gemm", new[] { "f", "fw", "fb" }, new[] { "y" }, ("transB", 1L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var conv = Assert.Single(graph.PrunableGroups);
        Assert.Contains(conv.Members, m => m.Initializer == "fw" && m.Axis == 1 && m.Block == 9);
        AssertPrunesLikeZeroing(model, new long[] { 2, 1, 6, 6 }, 1);
    }

    [Fact]
    public void ReshapeViaShapeGatherConcatFollowsTheChannels()
    {
        // PyTorch's x.view(x.size(0), -1): Shape → Gather(0) → Unsqueeze → Concat with [-1] → Reshape.
        var model = new TestModelBuilder(13, seed: 12).Input("x", "N", 2, 4, 4).Output("y", "N", 3)
            .Weight("cw", new long[] { 6, 2, 3, 3 })
            .Weight("fw", new long[] { 3, 6 * 2 * 2 })
            .Int64s("zero", new long[0], new long[] { 0 }).Int64s("axes0", new long[] { 1 }, new long[] { 0 }).Int64s("minus1", new long[] { 1 }, new long[] { -1 })
            .Node("Conv", new[] { "x", "cw" }, new[] { "c" })
            .Node("Relu", new[] { "c" }, new[] { "r" })
            .Node("Shape", new[] { "r" }, new[] { "s" })
            .Node("Gather", new[] { "s", "zero" }, new[] { "n" })
            .Node("Unsqueeze", new[] { "n", "axes0" }, new[] { "n1" })
            .Node("Concat", new[] { "n1", "minus1" }, new[] { "shape" }, ("axis", 0L))
            .Node("Reshape", new[] { "r", "shape" }, new[] { "f" })
            .Node("Gemm", new[] { "f", "fw" }, new[] { "y" }, ("transB", 1L))
            .Build();
        AssertPrunesLikeZeroing(model, new long[] { 2, 2, 4, 4 }, 1);
    }

    [Fact]
    public void ReshapeWithLiteralWidthIsRewritten()
    {
        var model = new TestModelBuilder(13, seed: 13).Input("x", "N", 2, 3, 3).Output("y", "N", 3)
            .Weight("cw", new long[] { 4, 2, 3, 3 })
            .Weight("fw", new long[] { 3, 4 })
            .Int64s("shape", new long[] { 2 }, new long[] { -1, 4 })
            .Node("Conv", new[] { "x", "cw" }, new[] { "c" })
            .Node("Reshape", new[] { "c", "shape" }, new[] { "f" })
            .Node("Gemm", new[] { "f", "fw" }, new[] { "y" }, ("transB", 1L))
            .Build();
        AssertPrunesLikeZeroing(model, new long[] { 2, 2, 3, 3 }, 1);
        var graph = DependencyGraph.Analyze(model);
        var pruned = Surgery.Apply(graph, PruningAssert.EveryOtherChannel(graph));
        Assert.Equal(new long[] { -1, 2 }, pruned.Graph.Initializers["shape"].ToInt64Array());
    }

    [Fact]
    public void ConcatKeepsEachBranchAsItsOwnOffsetRange()
    {
        var model = new TestModelBuilder(13, seed: 14).Input("x", "N", 2, 5, 5).Output("y", "N", 3, 5, 5)
            .Weight("aw", new long[] { 4, 2, 1, 1 }).Weight("bw", new long[] { 6, 2, 3, 3 }).Weight("bb", new long[] { 6 })
            .Weight("s", new long[] { 10, 1, 1 }, 0.5f, 1.5f)
            .Weight("ow", new long[] { 3, 10, 1, 1 })
            .Node("Conv", new[] { "x", "aw" }, new[] { "a" })
            .Node("Conv", new[] { "x", "bw", "bb" }, new[] { "b" }, ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Concat", new[] { "a", "b" }, new[] { "c" }, ("axis", 1L))
            .Node("Mul", new[] { "c", "s" }, new[] { "m" })
            .Node("Relu", new[] { "m" }, new[] { "r" })
            .Node("Conv", new[] { "r", "ow" }, new[] { "y" })
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var b = graph.Groups.Single(g => g.Size == 6);
        Assert.Contains(b.Members, m => m.Initializer == "ow" && m.Axis == 1 && m.Offset == 4);
        Assert.Contains(b.Members, m => m.Initializer == "s" && m.Axis == 0 && m.Offset == 4);
        AssertPrunesLikeZeroing(model, new long[] { 2, 2, 5, 5 }, 2);
    }

    [Fact]
    public void DepthwiseConvRidesOnItsInputChannels()
    {
        var model = new TestModelBuilder(13, seed: 15).Input("x", "N", 3, 6, 6).Output("y", "N", 2, 6, 6)
            .Weight("pw", new long[] { 8, 3, 1, 1 }).Weight("dw", new long[] { 8, 1, 3, 3 }).Weight("ow", new long[] { 2, 8, 1, 1 })
            .Node("Conv", new[] { "x", "pw" }, new[] { "p" })
            .Node("Relu", new[] { "p" }, new[] { "r" })
            .Node("Conv", new[] { "r", "dw" }, new[] { "d" }, ("group", 8L), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Conv", new[] { "d", "ow" }, new[] { "y" })
            .Build();
        AssertPrunesLikeZeroing(model, new long[] { 1, 3, 6, 6 }, 1);
    }

    [Fact]
    public void GroupedConvFreezesWithItsReason()
    {
        var model = new TestModelBuilder(13, seed: 16).Input("x", "N", 2, 4, 4).Output("y", "N", 4, 4, 4)
            .Weight("aw", new long[] { 4, 2, 1, 1 }).Weight("gw", new long[] { 4, 2, 1, 1 })
            .Node("Conv", new[] { "x", "aw" }, new[] { "a" })
            .Node("Conv", new[] { "a", "gw" }, new[] { "y" }, ("group", 2L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        Assert.Empty(graph.PrunableGroups);
        Assert.Contains(graph.Groups[0].FrozenReasons, r => r.Contains("grouped convolution"));
    }

    [Theory]
    [InlineData("lenet5.onnx", 4)]
    [InlineData("resnet20.onnx", 12)]
    [InlineData("resnet20_bn.onnx", 12)]
    [InlineData("mlp.onnx", 2)]
    public void PyTorchExportsPruneLikeZeroing(string file, int prunable)
    {
        var model = OnnxModel.Load(TestModels.Path(file));
        AssertPrunesLikeZeroing(model, new long[] { 2, 1, 28, 28 }, prunable);
    }

    /// <summary>VGG with BatchNorm, Inception-style concat branches, MobileNet-style depthwise + ReLU6 + squeeze-excitation.</summary>
    [Theory]
    [InlineData("vgg_bn.onnx", 5)]
    [InlineData("inception.onnx", 6)]
    [InlineData("mobilenet.onnx", 5)]
    [InlineData("lenet_view_opset11.onnx", 3)]
    public void OtherPyTorchArchitecturesPruneLikeZeroing(string file, int prunable)
    {
        var model = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));
        AssertPrunesLikeZeroing(model, new long[] { 2, 1, 28, 28 }, prunable);
    }

    [Fact]
    public void GeluExportedWithScalarConstantNodesStaysPrunable()
    {
        // PyTorch exports nn.GELU at opset 13 as x * 0.5 * (1 + erf(x / sqrt 2)), its scalars in Constant nodes.
        var model = new TestModelBuilder(13, seed: 14).Input("x", "N", 5).Output("y", "N", 3)
            .Weight("w1", new long[] { 6, 5 }).Weight("b1", new long[] { 6 }).Weight("w2", new long[] { 3, 6 }).Weight("b2", new long[] { 3 })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
            .Node("Constant", Array.Empty<string>(), new[] { "sqrt2" }, ("value", OnnxTensor.FromFloats("sqrt2", Array.Empty<long>(), new[] { 1.4142135f })))
            .Node("Div", new[] { "h", "sqrt2" }, new[] { "d" })
            .Node("Erf", new[] { "d" }, new[] { "e" })
            .Node("Constant", Array.Empty<string>(), new[] { "one" }, ("value", OnnxTensor.FromFloats("one", Array.Empty<long>(), new[] { 1f })))
            .Node("Add", new[] { "e", "one" }, new[] { "a" })
            .Node("Mul", new[] { "h", "a" }, new[] { "m" })
            .Node("Constant", Array.Empty<string>(), new[] { "half" }, ("value_float", 0.5f))
            .Node("Mul", new[] { "m", "half" }, new[] { "g" })
            .Node("Gemm", new[] { "g", "w2", "b2" }, new[] { "y" }, ("transB", 1L))
            .Build();
        AssertPrunesLikeZeroing(model, new long[] { 4, 5 }, 1);
    }

    [Fact]
    public void PerChannelConstantNodeFreezesWithItsReason()
    {
        // A per-channel scale held in a Constant node cannot be sliced like an initializer.
        var model = new TestModelBuilder(13, seed: 15).Input("x", "N", 5).Output("y", "N", 3)
            .Weight("w1", new long[] { 6, 5 }).Weight("w2", new long[] { 3, 6 })
            .Node("Gemm", new[] { "x", "w1" }, new[] { "h" }, ("transB", 1L))
            .Node("Constant", Array.Empty<string>(), new[] { "scale" }, ("value", OnnxTensor.FromFloats("scale", new long[] { 6 }, new float[] { 1, 2, 3, 4, 5, 6 })))
            .Node("Mul", new[] { "h", "scale" }, new[] { "s" })
            .Node("Gemm", new[] { "s", "w2" }, new[] { "y" }, ("transB", 1L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        Assert.Empty(graph.PrunableGroups);
        Assert.Contains(graph.Groups, g => g.FrozenReasons.Any(r => r.Contains("Constant node", StringComparison.Ordinal)));
    }

    [Fact]
    public void ViewWithLiteralWidthInAConstantNodeIsRewritten()
    {
        // x.view(-1, 400) exports its shape as a Constant node; the 400 must follow conv2's pruning.
        var model = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lenet_view_fixed_batch.onnx"));
        var graph = DependencyGraph.Analyze(model);
        var pruned = Surgery.Apply(graph, PruningAssert.EveryOtherChannel(graph));
        var reshape = pruned.Graph.Nodes.Single(n => n.OpType == "Reshape");
        var shape = pruned.Graph.Nodes.Single(n => n.Outputs[0] == reshape.Inputs[1]).Attributes["value"].Tensor!;
        Assert.Equal(new long[] { -1, 8 * 5 * 5 }, shape.ToInt64Array());
        Assert.True(PruningAssert.OrtDifference(pruned, PruningAssert.ZeroRemovedChannels(graph, PruningAssert.EveryOtherChannel(graph)), new long[] { 1, 1, 28, 28 }) <= 1e-4);
    }
}

public class KeepAllTests
{
    [Theory]
    [InlineData("lenet5.onnx")]
    [InlineData("resnet20_bn.onnx")]
    public void KeepAllPlanOnPyTorchExportReproducesItsBytes(string file)
    {
        var path = TestModels.Path(file);
        var graph = DependencyGraph.Analyze(OnnxModel.Load(path));
        var plan = new PruningPlan(graph.PrunableGroups.Select(g => new GroupDecision(g.Id, Enumerable.Range(0, g.Size).ToArray(), "keep")));
        Assert.Equal(File.ReadAllBytes(path), Surgery.Apply(graph, plan).ToBytes());
    }
}
