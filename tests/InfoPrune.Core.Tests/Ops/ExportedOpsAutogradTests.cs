using InfoPrune.Core.Execution;
using TorchSharp;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>Fine-tuning goes through the new ops: their gradients are torch's own.</summary>
public class ExportedOpsAutogradTests
{
    [Fact]
    public void LayerNormalizationGradientsMatchTorchLayerNorm()
    {
        var model = Model(17, Shape(3, 4, 6), b => b
            .Weight("scale", new long[] { 6 }, 0.5f, 1.5f).Weight("bias", new long[] { 6 })
            .Node("LayerNormalization", new[] { "x", "scale", "bias" }, new[] { "y" }, ("epsilon", 1e-5f)));
        using var executor = GraphExecutor.Create(model, torch.CPU);
        executor.Training = true;
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.randn(3, 4, 6).requires_grad_(true);
        var weights = torch.randn(3, 4, 6);
        (executor.Forward(x) * weights).sum().backward();
        var ours = x.grad!.clone();
        var scaleGrad = executor.Parameters[executor.ParameterNames.ToList().IndexOf("scale")].grad!.clone();

        var x2 = x.detach().clone().requires_grad_(true);
        var scale = executor.Initializer("scale").detach().clone().requires_grad_(true);
        var bias = executor.Initializer("bias").detach().clone();
        (F.layer_norm(x2, new long[] { 6 }, scale, bias, 1e-5) * weights).sum().backward();

        Assert.True(ours.allclose(x2.grad!, 1e-4, 1e-5), "input gradient differs from torch's layer_norm");
        Assert.True(scaleGrad.allclose(scale.grad!, 1e-4, 1e-5), "scale gradient differs from torch's layer_norm");
    }

    [Fact]
    public void GradientsFlowThroughSliceSplitExpandWhereResizeAndConvTranspose()
    {
        var model = Model(13, Shape(2, 4, 6, 6), b => b
            .Int64s("starts", new long[] { 1 }, new long[] { 1 }).Int64s("ends", new long[] { 1 }, new long[] { 5 }).Int64s("axes", new long[] { 1 }, new long[] { 2 })
            .Int64s("sizes", new long[] { 2 }, new long[] { 1, 3 })
            .Int64s("target", new long[] { 4 }, new long[] { 2, 1, 4, 6 })
            .Floats("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f })
            .Floats("zero", Array.Empty<long>(), new[] { 0f })
            .Weight("wt", new long[] { 1, 2, 3, 3 })
            .Node("Slice", new[] { "x", "starts", "ends", "axes" }, new[] { "s" })
            .Node("Split", new[] { "s", "sizes" }, new[] { "a", "c" }, ("axis", 1L))
            .Node("Expand", new[] { "a", "target" }, new[] { "e" })
            .Node("Greater", new[] { "e", "zero" }, new[] { "positive" })
            .Node("Where", new[] { "positive", "e", "zero" }, new[] { "w" })
            .Node("Resize", new[] { "w", "", "scales" }, new[] { "r" }, ("mode", "linear"))
            .Node("ConvTranspose", new[] { "r", "wt" }, new[] { "t" }, ("strides", new long[] { 2, 2 }))
            .Node("ReduceSum", new[] { "t" }, new[] { "y" }, ("keepdims", 0L)));
        using var executor = GraphExecutor.Create(model, torch.CPU);
        executor.Training = true;
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var x = torch.randn(2, 4, 6, 6).requires_grad_(true);
        executor.Forward(x).sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0, "no gradient reached the input");
        Assert.True(executor.Parameters.Single().grad!.abs().sum().item<float>() > 0, "no gradient reached the ConvTranspose weight");
    }
}
