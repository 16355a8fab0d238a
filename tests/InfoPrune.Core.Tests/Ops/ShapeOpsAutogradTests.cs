using InfoPrune.Core.Execution;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Tests.Support;
using TorchSharp;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ShapeOpsAutogradTests
{
    [Fact]
    public void GradientsFlowThroughEveryShapeOp()
    {
        // One chain through every op that carries float values; a kernel that left autograd
        // (e.g. by copying values out) would leave x without a gradient or break backward().
        var model = Model(13, Shape(2, 3, 4, 5), b => b
            .Int64s("pads", new long[] { 8 }, new long[] { 0, 0, 1, 2, 0, 0, 1, 0 })
            .Int64s("target", new long[] { 3 }, new long[] { 0, 3, -1 })
            .Int64s("index", new long[] { 2 }, new long[] { -1, 0 })
            .Int64s("axes", new long[] { 1 }, new long[] { 1 })
            .Floats("low", Array.Empty<long>(), new[] { -0.9f })
            .Floats("ratio", Array.Empty<long>(), new[] { 0.1f })
            .Node("Pad", new[] { "x", "pads" }, new[] { "p" }, ("mode", "reflect"))
            .Node("Transpose", new[] { "p" }, new[] { "t" }, ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("Reshape", new[] { "t", "target" }, new[] { "r" })
            .Node("Gather", new[] { "r", "index" }, new[] { "g" }, ("axis", 2L))
            .Node("Concat", new[] { "g", "g" }, new[] { "c" }, ("axis", 1L))
            .Node("Unsqueeze", new[] { "c", "axes" }, new[] { "u" })
            .Node("Squeeze", new[] { "u", "axes" }, new[] { "s" })
            .Node("Clip", new[] { "s", "low" }, new[] { "k" })
            .Node("Dropout", new[] { "k", "ratio" }, new[] { "d" })
            .Node("Identity", new[] { "d" }, new[] { "i" })
            .Node("Softmax", new[] { "i" }, new[] { "sm" }, ("axis", 1L))
            .Node("LogSoftmax", new[] { "sm" }, new[] { "ls" }, ("axis", 0L))
            .Node("Flatten", new[] { "ls" }, new[] { "f" })
            .Node("ReduceMean", new[] { "f" }, new[] { "y" }, ("axes", new long[] { 1 }), ("keepdims", 0L)));

        using var executor = GraphExecutor.Create(model, torch.CPU);
        executor.Training = true;
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var x = torch.randn(2, 3, 4, 5).requires_grad_(true);
        executor.Forward(x).sum().backward();

        Assert.NotNull(x.grad);
        Assert.Equal(x.shape, x.grad!.shape);
        Assert.True(x.grad.abs().sum().item<float>() > 0, "no gradient reached the input");
    }

    [Theory]
    [InlineData("Flatten")]
    [InlineData("Reshape")]
    [InlineData("Transpose")]
    [InlineData("Concat")]
    [InlineData("Dropout")]
    [InlineData("Identity")]
    [InlineData("Constant")]
    [InlineData("Shape")]
    [InlineData("Gather")]
    [InlineData("Unsqueeze")]
    [InlineData("Squeeze")]
    [InlineData("Pad")]
    [InlineData("ReduceMean")]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    [InlineData("Clip")]
    public void EveryOpIsRegisteredFromOpset11To18(string opType)
    {
        // Building the default registry also proves no two families claim the same op and opset.
        for (long opset = 11; opset <= 18; opset++)
        {
            var model = new TestModelBuilder(opset).Input("x", 2).Node(opType, new[] { "x" }, new[] { "y" }).Output("y", 2).Build();
            Assert.NotNull(OpRegistry.Default.Find(model.Graph.Nodes[0]));
        }
    }
}
