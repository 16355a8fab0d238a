using System.Diagnostics;
using System.Text.Json;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
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
        var withTwin = options.Get("twin", 0) != 0;
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

            using var ours = ExecutorTrainer.FromOnnx(Path.Combine(modelDir, name + ".onnx"), data, batch, breakdown, reinit);
            using var twin = withTwin ? ExecutorTrainer.FromTwin(name, data, batch) : null;
            var peerInfo = peer?.Load(name);

            // Every participant runs the same batches; the order within a round rotates so none
            // is always first after the others' idle threads (OpenMP spin-waits) or always last.
            var participants = new List<(string Name, Func<long, int, (double[], double)> Steps)> { ("infoprune", ours.Steps) };
            if (peer != null) participants.Add(("pytorch", peer.Steps));
            if (twin != null) participants.Add(("torchsharp", twin.Steps));
            foreach (var p in participants) p.Steps(0, warmup);
            ours.ResetBreakdown();
            twin?.ResetBreakdown();

            var times = participants.ToDictionary(p => p.Name, _ => new List<double>());
            var losses = participants.ToDictionary(p => p.Name, _ => double.NaN);
            for (int first = warmup, round = 0; first < warmup + steps; first += block, round++)
            {
                var count = Math.Min(block, warmup + steps - first);
                for (var k = 0; k < participants.Count; k++)
                {
                    var (who, run) = participants[(k + round) % participants.Count];
                    var (t, l) = run(first, count);
                    times[who].AddRange(t);
                    losses[who] = l;
                }
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
                ["infoprune"] = Summary(times["infoprune"], batch, losses["infoprune"], ours.ParameterCount),
            };
            if (breakdown) result["infoprune_breakdown"] = ours.Breakdown(steps);
            if (peer != null)
            {
                var theirs = Summary(times["pytorch"], batch, losses["pytorch"], peerInfo!.Value.GetProperty("params").GetInt64());
                theirs["torch"] = peerInfo.Value.GetProperty("torch").GetString();
                theirs["threads"] = peerInfo.Value.GetProperty("threads").GetInt32();
                result["pytorch"] = theirs;
                result["ratio"] = Math.Round(Rate(times["infoprune"], batch) / Rate(times["pytorch"], batch), 3);
                result["ratio_median_step"] = Math.Round(Median(times["pytorch"]) / Median(times["infoprune"]), 3);
                result["ratio_best_step"] = Math.Round(times["pytorch"].Min() / times["infoprune"].Min(), 3);
            }
            if (twin != null)
            {
                result["torchsharp"] = Summary(times["torchsharp"], batch, losses["torchsharp"], twin.ParameterCount);
                if (breakdown) result["torchsharp_breakdown"] = twin.Breakdown(steps);
                result["ratio_to_torchsharp_median_step"] = Math.Round(Median(times["torchsharp"]) / Median(times["infoprune"]), 3);
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
        ["images_per_s_best_step"] = Math.Round(batch / stepSeconds.Min(), 1),
        ["seconds"] = Math.Round(stepSeconds.Sum(), 4),
        ["last_loss"] = Math.Round(loss, 4),
        ["parameters"] = parameters,
    };

    /// <summary>One model trained in this process (by the executor, or its TorchSharp twin), a block of steps at a time.</summary>
    private sealed class ExecutorTrainer : IDisposable
    {
        private readonly Func<Tensor, Tensor> _forward;
        private readonly IDisposable _owner;
        private readonly torch.optim.Optimizer _optimizer;
        private readonly FashionMnist _data;
        private readonly int _batch;
        private readonly OpTiming? _timing;
        private double _forwardMs, _backwardMs, _updateMs;

        public long ParameterCount { get; }

        private ExecutorTrainer(Func<Tensor, Tensor> forward, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IDisposable owner,
            FashionMnist data, int batch, OpTiming? timing)
        {
            _forward = forward;
            _owner = owner;
            _optimizer = torch.optim.SGD(parameters, 0.01, momentum: 0.9);
            _data = data;
            _batch = batch;
            _timing = timing;
            ParameterCount = parameters.Sum(p => p.numel());
        }

        public static ExecutorTrainer FromOnnx(string path, FashionMnist data, int batch, bool breakdown, bool reinit)
        {
            var model = OnnxModel.Load(path);
            var registry = OpRegistry.Default;
            var timing = breakdown ? new OpTiming() : null;
            var executor = GraphExecutor.Create(model, CPU, timing?.Wrap(registry, model.Graph.Nodes) ?? registry);
            executor.Training = true;
            if (reinit) Reinitialize(executor);
            return new ExecutorTrainer(executor.Forward, executor.Parameters, executor, data, batch, timing);
        }

        public static ExecutorTrainer? FromTwin(string name, FashionMnist data, int batch)
        {
            var module = TorchSharpTwins.Create(name);
            if (module == null) return null;
            module.train();
            return new ExecutorTrainer(module.forward, module.parameters().ToArray(), module, data, batch, null);
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
                    var output = F.cross_entropy(_forward(x), y);
                    _forwardMs += lap.Elapsed.TotalMilliseconds;
                    lap.Restart();
                    output.backward();
                    _backwardMs += lap.Elapsed.TotalMilliseconds;
                    lap.Restart();
                    _optimizer.step();
                    _updateMs += lap.Elapsed.TotalMilliseconds;
                    // item() as a logging loop would; on the CPU it also ends the step's work.
                    loss = output.item<float>();
                }
                times[i] = step.Elapsed.TotalSeconds;
            }
            return (times, loss);
        }

        public void ResetBreakdown()
        {
            _forwardMs = _backwardMs = _updateMs = 0;
            _timing?.Reset();
        }

        public Dictionary<string, object?> Breakdown(int steps) => new()
        {
            ["forward_ms"] = Math.Round(_forwardMs / steps, 3),
            ["backward_ms"] = Math.Round(_backwardMs / steps, 3),
            ["step_ms"] = Math.Round(_updateMs / steps, 3),
            ["forward_ops_ms"] = _timing?.MillisecondsPerStep(steps),
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
            _owner.Dispose();
        }
    }
}
