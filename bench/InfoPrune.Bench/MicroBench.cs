using System.Diagnostics;
using System.Text.Json;
using InfoPrune.Core.Execution;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Bench;

/// <summary>
/// Single ops at the shapes lenet5 and resnet20 train on, forward and backward, straight through
/// TorchSharp (no executor). bench/pytorch/micro.py times the same in PyTorch: when an op is slower
/// here too, the gap is libtorch's, not the executor's.
/// </summary>
internal static class MicroBench
{
    public static int Run(BenchOptions options)
    {
        DeviceChoice.UseThreads(options.Get("threads", 2));
        var repeats = options.Get("repeats", 50);
        torch.manual_seed(0);
        var results = new Dictionary<string, double>();
        foreach (var (name, build) in Cases())
        {
            using var scope = torch.NewDisposeScope();
            var (inputs, run) = build();
            double Once()
            {
                using var inner = torch.NewDisposeScope();
                foreach (var t in inputs) t.grad?.zero_();
                var watch = Stopwatch.StartNew();
                run(inputs).sum().backward();
                return watch.Elapsed.TotalMilliseconds;
            }
            for (var i = 0; i < 5; i++) Once();
            var times = Enumerable.Range(0, repeats).Select(_ => Once()).Order().ToArray();
            results[name] = Math.Round(times[times.Length / 2], 3);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["bench"] = "micro", ["runtime"] = "infoprune", ["median_ms"] = results }));
        return 0;
    }

    private static Tensor Leaf(params long[] shape) => torch.randn(shape).requires_grad_(true);

    private static IEnumerable<(string, Func<(Tensor[], Func<Tensor[], Tensor>)>)> Cases()
    {
        yield return ("conv1_lenet", () => (new[] { Leaf(128, 1, 28, 28), Leaf(6, 1, 5, 5), Leaf(6) }, t => F.conv2d(t[0], t[1], t[2], padding: new long[] { 2, 2 })));
        yield return ("conv2_lenet", () => (new[] { Leaf(128, 6, 14, 14), Leaf(16, 6, 5, 5), Leaf(16) }, t => F.conv2d(t[0], t[1], t[2])));
        yield return ("maxpool_lenet", () => (new[] { Leaf(128, 6, 28, 28) }, t => F.max_pool2d(t[0], new long[] { 2, 2 }, new long[] { 2, 2 })));
        yield return ("relu_lenet", () => (new[] { Leaf(128, 6, 28, 28) }, t => F.relu(t[0])));
        yield return ("linear_fc1", () => (new[] { Leaf(128, 400), Leaf(120, 400), Leaf(120) }, t => F.linear(t[0], t[1], t[2])));
        yield return ("conv_16x32x32", () => (new[] { Leaf(128, 16, 28, 28), Leaf(16, 16, 3, 3) }, t => F.conv2d(t[0], t[1], null, padding: new long[] { 1, 1 })));
        yield return ("conv_64x7x7", () => (new[] { Leaf(128, 64, 7, 7), Leaf(64, 64, 3, 3) }, t => F.conv2d(t[0], t[1], null, padding: new long[] { 1, 1 })));
        yield return ("batchnorm_16x28x28", () =>
        {
            var mean = torch.zeros(16);
            var variance = torch.ones(16);
            return (new[] { Leaf(128, 16, 28, 28), Leaf(16), Leaf(16) }, t => F.batch_norm(t[0], mean, variance, t[1], t[2], training: true, momentum: 0.1, eps: 1e-5));
        });
    }
}
