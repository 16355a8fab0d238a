using System.Diagnostics;
using System.Text.Json;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Bench;

/// <summary>
/// Training throughput of the graph executor: forward in train mode, cross-entropy, backward and
/// an SGD step (lr 0.01, momentum 0.9) per batch of real Fashion-MNIST images. With --pytorch,
/// bench/pytorch/train_throughput.py runs the same steps on the same batches, interleaved with
/// ours in short blocks (alternating who goes first): the machine is shared and its load swings
/// by several times within seconds, so only figures taken in the same moments compare.
/// </summary>
internal static class TrainingBench
{
    public static int Run(BenchOptions options)
    {
        var models = options.Positional.Count > 0 ? options.Positional : new List<string> { "lenet5", "resnet20_bn", "resnet20" };
        var modelDir = options.Get("models", "/work/shared/models");
        var dataDir = options.Get("data", FashionMnist.DefaultDirectory);
        var batch = options.Get("batch", 128);
        var threads = options.Get("threads", 2);
        var breakdown = options.Get("breakdown", 0) != 0;
        var reinit = options.Get("reinit", 0) != 0;
        var python = options.Get("pytorch", "");
        var script = options.Get("script", Path.Combine(AppContext.BaseDirectory, "../../../../pytorch/train_throughput.py"));

        DeviceChoice.UseThreads(threads);
        torch.manual_seed(0);
        using var data = FashionMnist.LoadTrain(dataDir);
        using var peer = python.Length > 0 ? new PyTorchPeer(python, Path.GetFullPath(script), batch, threads, dataDir) : null;

        foreach (var name in models)
        {
            // Small nets need more steps for a stable figure; the counts are options so a quick run stays quick.
            var small = name.StartsWith("lenet", StringComparison.Ordinal) || name == "mlp";
            var warmup = options.Get("warmup", small ? 5 : 3);
            var steps = options.Get("steps", small ? 30 : 10);
            var block = Math.Max(1, Math.Min(steps, options.Get("block", small ? 5 : 2)));

            using var ours = new ExecutorTrainer(Path.Combine(modelDir, name + ".onnx"), data, batch, breakdown, reinit);
            var peerInfo = peer?.Load(name);
            ours.Steps(0, warmup);
            peer?.Steps(0, warmup);
            ours.ResetBreakdown();

            var ourTimes = new List<double>();
            var theirTimes = new List<double>();
            double ourLoss = double.NaN, theirLoss = double.NaN;
            for (int first = warmup, round = 0; first < warmup + steps; first += block, round++)
            {
                var count = Math.Min(block, warmup + steps - first);
                void Ours() { var (t, l) = ours.Steps(first, count); ourTimes.AddRange(t); ourLoss = l; }
                void Theirs() { if (peer == null) return; var (t, l) = peer.Steps(first, count); theirTimes.AddRange(t); theirLoss = l; }
                if (round % 2 == 0) { Ours(); Theirs(); } else { Theirs(); Ours(); }
            }

            var result = new Dictionary<string, object?>
            {
                ["bench"] = "training",
                ["model"] = name,
                ["batch"] = batch,
                ["threads"] = torch.get_num_threads(),
                ["warmup"] = warmup,
                ["steps"] = steps,
                ["block"] = block,
                ["infoprune"] = Summary(ourTimes, batch, ourLoss, ours.ParameterCount),
            };
            if (breakdown) result["infoprune_breakdown"] = ours.Breakdown(steps);
            if (peer != null)
            {
                var theirs = Summary(theirTimes, batch, theirLoss, peerInfo!.Value.GetProperty("params").GetInt64());
                theirs["torch"] = peerInfo.Value.GetProperty("torch").GetString();
                theirs["threads"] = peerInfo.Value.GetProperty("threads").GetInt32();
                result["pytorch"] = theirs;
                result["ratio"] = Math.Round(Rate(ourTimes, batch) / Rate(theirTimes, batch), 3);
                result["ratio_median_step"] = Math.Round(Median(theirTimes) / Median(ourTimes), 3);
            }
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        return 0;
    }

    private static double Rate(List<double> stepSeconds, int batch) => stepSeconds.Count * batch / stepSeconds.Sum();
    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static Dictionary<string, object?> Summary(List<double> stepSeconds, int batch, double loss, long parameters) => new()
    {
        ["images_per_s"] = Math.Round(Rate(stepSeconds, batch), 1),
        // The median step is less swayed by a burst of load from other users than the mean.
        ["images_per_s_median_step"] = Math.Round(batch / Median(stepSeconds), 1),
        ["seconds"] = Math.Round(stepSeconds.Sum(), 4),
        ["last_loss"] = Math.Round(loss, 4),
        ["parameters"] = parameters,
    };

    /// <summary>One model trained by the executor, a block of steps at a time.</summary>
    private sealed class ExecutorTrainer : IDisposable
    {
        private readonly GraphExecutor _executor;
        private readonly torch.optim.Optimizer _optimizer;
        private readonly FashionMnist _data;
        private readonly int _batch;
        private readonly OpTiming? _timing;
        private double _forward, _backward, _update;

        public long ParameterCount { get; }

        public ExecutorTrainer(string path, FashionMnist data, int batch, bool breakdown, bool reinit)
        {
            var model = OnnxModel.Load(path);
            var registry = StopgapOps.Registry();
            _timing = breakdown ? new OpTiming() : null;
            _executor = GraphExecutor.Create(model, CPU, _timing?.Wrap(registry, model.Graph.Nodes) ?? registry);
            _executor.Training = true;
            if (reinit) Reinitialize(_executor);
            _optimizer = torch.optim.SGD(_executor.Parameters, 0.01, momentum: 0.9);
            _data = data;
            _batch = batch;
            ParameterCount = _executor.Parameters.Sum(p => p.numel());
        }

        public (double[] StepSeconds, double Loss) Steps(long first, int count)
        {
            var times = new double[count];
            double loss = double.NaN;
            var lap = new Stopwatch();
            for (var i = 0; i < count; i++)
            {
                var step = Stopwatch.StartNew();
                using (var scope = torch.NewDisposeScope())
                {
                    var (x, y) = _data.Batch(first + i, _batch);
                    lap.Restart();
                    _optimizer.zero_grad();
                    var output = F.cross_entropy(_executor.Forward(x), y);
                    _forward += lap.Elapsed.TotalMilliseconds;
                    lap.Restart();
                    output.backward();
                    _backward += lap.Elapsed.TotalMilliseconds;
                    lap.Restart();
                    _optimizer.step();
                    _update += lap.Elapsed.TotalMilliseconds;
                    // item() as a logging loop would; on the CPU it also ends the step's work.
                    loss = output.item<float>();
                }
                times[i] = step.Elapsed.TotalSeconds;
            }
            return (times, loss);
        }

        public void ResetBreakdown()
        {
            _forward = _backward = _update = 0;
            _timing?.Reset();
        }

        public Dictionary<string, object> Breakdown(int steps) => new()
        {
            ["forward_ms"] = Math.Round(_forward / steps, 3),
            ["backward_ms"] = Math.Round(_backward / steps, 3),
            ["step_ms"] = Math.Round(_update / steps, 3),
            ["forward_ops_ms"] = _timing!.MillisecondsPerStep(steps),
        };

        /// <summary>
        /// Fresh random weights (as PyTorch's defaults would give), to tell apart costs that come
        /// from the trained values (e.g. denormal gradients) from costs of the execution itself.
        /// </summary>
        private static void Reinitialize(GraphExecutor executor)
        {
            using var noGrad = torch.no_grad();
            foreach (var p in executor.Parameters)
            {
                if (p.dim() > 1) torch.nn.init.kaiming_uniform_(p, Math.Sqrt(5));
                else p.uniform_(-0.05, 0.05);
            }
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _executor.Dispose();
        }
    }
}
