using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>Integer Div, Pow's output type, and BatchNormalization's statistics outputs.</summary>
public class ArithmeticAndBatchNormOutputsTests
{
    private static Tensor[] Run(OnnxModel model, params Tensor[] inputs)
    {
        using var executor = GraphExecutor.Create(model, CPU);
        return executor.ForwardAll(inputs);
    }

    [Fact]
    public void IntegerDivTruncatesTowardZeroAndStaysInteger()
    {
        var model = new TestModelBuilder(13).Input("x", 4)
            .Int64s("a", new long[] { 4 }, new long[] { 7, -7, 9, 1 })
            .Int64s("b", new long[] { 4 }, new long[] { 2, 2, -4, 3 })
            .Node("Div", new[] { "a", "b" }, new[] { "y" })
            .Output("y", TensorElementType.Int64, 4)
            .Build();
        using var scope = NewDisposeScope();
        var y = Run(model, zeros(4))[0];
        Assert.Equal(ScalarType.Int64, y.dtype);
        Assert.Equal(new long[] { 3, -3, -2, 0 }, y.data<long>().ToArray());
    }

    [Fact]
    public void PowOfIntegerBaseAndFloatExponentKeepsTheBaseType()
    {
        var model = new TestModelBuilder(13).Input("x", 3)
            .Int64s("base", new long[] { 3 }, new long[] { 2, 3, -2 })
            .Node("Pow", new[] { "base", "x" }, new[] { "y" })
            .Output("y", TensorElementType.Int64, 3)
            .Build();
        using var scope = NewDisposeScope();
        var y = Run(model, tensor(new[] { 3f, 0.5f, 3f }))[0];
        Assert.Equal(ScalarType.Int64, y.dtype);
        // 3^0.5 = 1.73 truncates to 1, as the cast in ONNX's definition does.
        Assert.Equal(new long[] { 8, 1, -8 }, y.data<long>().ToArray());
    }

    private static TestModelBuilder BatchNorm(long opset, string[] outputs, params (string, object)[] attributes)
    {
        var builder = new TestModelBuilder(opset).Input("x", 4, 2, 3)
            .Floats("scale", new long[] { 2 }, new[] { 1f, 2f }).Floats("bias", new long[] { 2 }, new[] { 0f, 1f })
            .Floats("mean", new long[] { 2 }, new[] { 0f, 0f }).Floats("var", new long[] { 2 }, new[] { 1f, 1f })
            .Node("BatchNormalization", new[] { "x", "scale", "bias", "mean", "var" }, outputs, attributes)
            .Output("y", 4, 2, 3);
        foreach (var o in outputs.Skip(1)) builder.Output(o, 2);
        return builder;
    }

    [Fact]
    public void BatchNormTrainingModeNormalisesWithBatchStatisticsAndOutputsRunningOnes()
    {
        var model = BatchNorm(15, new[] { "y", "running_mean", "running_var" }, ("training_mode", 1L), ("momentum", 0.75f)).Build();
        using var scope = NewDisposeScope();
        var x = arange(24, dtype: ScalarType.Float32).reshape(4, 2, 3);
        var outputs = Run(model, x);
        // Batch statistics per channel, over N and the spatial axis; variance is the biased one.
        var batchMean = x.mean(new long[] { 0, 2 });
        var batchVar = x.var(new long[] { 0, 2 }, unbiased: false);
        Assert.True(outputs[1].allclose(batchMean * 0.25, 1e-5, 1e-5), "running mean = 0.75·0 + 0.25·batch mean");
        Assert.True(outputs[2].allclose(0.75 + batchVar * 0.25, 1e-5, 1e-5), "running var = 0.75·1 + 0.25·batch var");
        var channel0 = outputs[0].select(1, 0);
        Assert.True(channel0.mean().item<float>() is > -1e-4f and < 1e-4f, "channel 0 is centred by its batch mean");
    }

    [Fact]
    public void BatchNormStatisticsOutputsWithoutTrainingModeAreRefusedAtCompile()
    {
        var model = BatchNorm(9, new[] { "y", "running_mean", "running_var" }).Build();
        var error = Assert.Throws<InfoPruneException>(() => GraphExecutor.Create(model, CPU));
        Assert.Equal(OpsErrors.UnsupportedOutput, error.Code);
        Assert.Equal(4, error.ExitCode);
        Assert.Contains("running_mean", error.Message);
    }
}
