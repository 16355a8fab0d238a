using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;
using TorchSharp;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class DropoutOpTests
{
    private static OnnxModel DropoutModel(long opset, float ratio, bool withMask)
    {
        var outputs = withMask ? new[] { "y", "mask" } : new[] { "y" };
        return Model(opset, Shape(100, 100), b =>
        {
            if (opset >= 12)
                b.Floats("ratio", Array.Empty<long>(), new[] { ratio }).Node("Dropout", new[] { "x", "ratio" }, outputs);
            else
                b.Node("Dropout", new[] { "x" }, outputs, ("ratio", ratio));
        });
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(13)]
    public void DropoutIsIdentityInEvalMode(long opset) =>
        ParityAssert.MatchesOrt(DropoutModel(opset, 0.4f, withMask: true), Shape(100, 100));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void DropoutInTrainModeZeroesSomeAndScalesTheRest(long opset)
    {
        const float ratio = 0.25f;
        torch.manual_seed(3);
        using var executor = GraphExecutor.Create(DropoutModel(opset, ratio, withMask: true), torch.CPU);
        executor.Training = true;
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(100, 100).requires_grad_(true);
        var outputs = executor.ForwardAll(new[] { x });
        var y = outputs[0];

        var values = y.detach().data<float>().ToArray();
        var scaled = 1f / (1f - ratio);
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - scaled) < 1e-6, $"unexpected value {v}"));
        var dropped = values.Count(v => v == 0f) / (double)values.Length;
        Assert.InRange(dropped, ratio - 0.03, ratio + 0.03);

        // Gradients flow through the kept elements only, scaled like them (x = 1, so grad = y).
        y.sum().backward();
        Assert.Equal(values, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void DropoutMaskMarksTheKeptElements()
    {
        torch.manual_seed(5);
        using var model = GraphExecutor.Create(MaskAsOutput(), torch.CPU);
        model.Training = true;
        using var scope = torch.NewDisposeScope();
        var outputs = model.ForwardAll(new[] { torch.ones(50, 40) });
        var kept = outputs[1].data<bool>().ToArray();
        var values = outputs[0].data<float>().ToArray();
        Assert.Equal(values.Select(v => v != 0f), kept);
        Assert.Contains(false, kept);
        Assert.Contains(true, kept);
    }

    [Fact]
    public void DropoutInEvalModeGivesAnAllTrueMask()
    {
        using var model = GraphExecutor.Create(MaskAsOutput(), torch.CPU);
        using var scope = torch.NewDisposeScope();
        var outputs = model.ForwardAll(new[] { torch.ones(50, 40) });
        Assert.All(outputs[1].data<bool>().ToArray(), Assert.True);
    }

    [Fact]
    public void DropoutFollowsTheExecutorModeNotTheTrainingModeInput()
    {
        // training_mode = true in the graph, but an eval pass must stay deterministic.
        var model = Model(13, Shape(20, 20), b => b
            .Floats("ratio", Array.Empty<long>(), new[] { 0.5f })
            .Node("Constant", Array.Empty<string>(), new[] { "training" },
                ("value", OnnxTensor.FromInt64s("training", Array.Empty<long>(), new long[] { 1 }, TensorElementType.Bool)))
            .Node("Dropout", new[] { "x", "ratio", "training" }, new[] { "y" }));
        using var executor = GraphExecutor.Create(model, torch.CPU);
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(20, 20);
        Assert.True(executor.Forward(x).eq(x).all().item<bool>());
    }

    private static OnnxModel MaskAsOutput()
    {
        var builder = new TestModelBuilder(13).Input("x", "N", 40);
        builder.Floats("ratio", Array.Empty<long>(), new[] { 0.5f })
            .Node("Dropout", new[] { "x", "ratio" }, new[] { "y", "mask" })
            .Output("y", "N", 40)
            .Output("mask", TensorElementType.Bool, "N", 40);
        return builder.Build();
    }
}
