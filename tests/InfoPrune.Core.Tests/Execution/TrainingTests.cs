using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Execution;

public class TrainingTests
{
    /// <summary>A 2-layer MLP with BatchNormalization, on [N, 8] inputs, 3 classes.</summary>
    private static OnnxModel SmallMlp() => new TestModelBuilder(13, seed: 3).Input("x", "N", 8).Output("logits", "N", 3)
        .Weight("w1", new long[] { 16, 8 }).Weight("b1", new long[] { 16 })
        .Floats("bn_s", new long[] { 16 }, Enumerable.Repeat(1f, 16).ToArray()).Floats("bn_b", new long[] { 16 }, new float[16])
        .Floats("bn_m", new long[] { 16 }, new float[16]).Floats("bn_v", new long[] { 16 }, Enumerable.Repeat(1f, 16).ToArray())
        .Weight("w2", new long[] { 3, 16 }).Weight("b2", new long[] { 3 })
        .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
        .Node("BatchNormalization", new[] { "h", "bn_s", "bn_b", "bn_m", "bn_v" }, new[] { "hn" })
        .Node("Relu", new[] { "hn" }, new[] { "a" })
        .Node("Gemm", new[] { "a", "w2", "b2" }, new[] { "logits" }, ("transB", 1L))
        .Build();

    /// <summary>A learnable toy problem: the class is which third of the feature sum the sample falls in.</summary>
    private static (Tensor X, Tensor Y) ToyData(int n, int seed)
    {
        var generator = new Generator((ulong)seed);
        var x = torch.randn(new long[] { n, 8 }, generator: generator);
        var s = x.sum(1);
        var y = torch.where(s < -1.0, torch.tensor(0L), torch.where(s < 1.0, torch.tensor(1L), torch.tensor(2L)));
        return (x, y);
    }

    [Fact]
    public void LossFallsOverAFewHundredSgdSteps()
    {
        torch.manual_seed(1);
        using var executor = GraphExecutor.Create(SmallMlp(), CPU);
        executor.Training = true;
        var (x, y) = ToyData(512, 5);
        using var optimizer = torch.optim.SGD(executor.Parameters, 0.05, momentum: 0.9);
        var losses = new List<float>();
        for (var step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            var start = (step * 64) % 512;
            var xb = x[TensorIndex.Slice(start, start + 64)];
            var yb = y[TensorIndex.Slice(start, start + 64)];
            optimizer.zero_grad();
            var loss = torch.nn.functional.cross_entropy(executor.Forward(xb), yb);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        var first = losses.Take(20).Average();
        var last = losses.Skip(280).Average();
        Assert.True(last < first * 0.5, $"loss went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void BatchNormRunningStatisticsChangeInTrainModeOnly()
    {
        using var executor = GraphExecutor.Create(SmallMlp(), CPU);
        var (x, _) = ToyData(64, 9);
        var before = executor.Initializer("bn_m").clone();

        executor.Training = false;
        using (torch.no_grad()) executor.Forward(x).Dispose();
        Assert.True(executor.Initializer("bn_m").eq(before).all().item<bool>(), "eval mode changed the running mean");

        executor.Training = true;
        using (torch.no_grad()) executor.Forward(x).Dispose();
        Assert.False(executor.Initializer("bn_m").eq(before).all().item<bool>(), "train mode did not update the running mean");
        Assert.False(executor.Initializer("bn_v").eq(torch.ones(16)).all().item<bool>(), "train mode did not update the running variance");
    }

    [Fact]
    public void WeightsAreParametersAndRunningStatisticsAreNot()
    {
        using var executor = GraphExecutor.Create(SmallMlp(), CPU);
        Assert.Equal(new[] { "b1", "b2", "bn_b", "bn_s", "w1", "w2" }, executor.ParameterNames.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void TrainedWeightsAndStatisticsAreWrittenBackAndRunInOrt()
    {
        var model = SmallMlp();
        using var executor = GraphExecutor.Create(model, CPU);
        executor.Training = true;
        var (x, y) = ToyData(128, 11);
        using var optimizer = torch.optim.Adam(executor.Parameters, 0.01);
        for (var step = 0; step < 20; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            torch.nn.functional.cross_entropy(executor.Forward(x), y).backward();
            optimizer.step();
        }
        var trained = executor.ToModel();
        Assert.NotEqual(model.Graph.Initializers["w1"].ToFloatArray(), trained.Graph.Initializers["w1"].ToFloatArray());
        Assert.NotEqual(model.Graph.Initializers["bn_m"].ToFloatArray(), trained.Graph.Initializers["bn_m"].ToFloatArray());
        Assert.Equal(executor.Initializer("w2").data<float>().ToArray(), trained.Graph.Initializers["w2"].ToFloatArray());

        executor.Training = false;
        ParityAssert.MatchesOrt(trained, new long[] { 4, 8 });
    }

    [Fact]
    public void GradientsReachTheFirstLayer()
    {
        using var executor = GraphExecutor.Create(SmallMlp(), CPU);
        executor.Training = true;
        var (x, y) = ToyData(32, 2);
        torch.nn.functional.cross_entropy(executor.Forward(x), y).backward();
        var w1 = executor.Parameters[executor.ParameterNames.ToList().IndexOf("w1")];
        Assert.NotNull(w1.grad);
        Assert.True(w1.grad!.abs().sum().item<float>() > 0);
    }
}
