using System.Diagnostics;
using System.Text.Json;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Bench;

/// <summary>
/// Inference throughput: the executor in eval mode without gradients vs ONNX Runtime
/// (<see cref="OrtModelRunner"/>, the runner the validation step uses) on the same thread count,
/// at batch 1 (latency-bound: per-op overhead dominates) and batch 128 (compute-bound). Both run
/// in this process in alternating blocks, so load from other users falls on both alike. Each
/// side's figure includes getting the logits out as floats, which is what a caller does next.
/// </summary>
internal static class EvalBench
{
    public static int Run(BenchOptions options)
    {
        var models = options.Positional.Count > 0 ? options.Positional : new List<string> { "lenet5", "resnet20_bn", "resnet20" };
        var modelDir = options.Get("models", "/work/shared/models");
        var threads = options.Get("threads", 2);
        var batches = options.Get("batches", "1,128").Split(',').Select(int.Parse).ToArray();
        var rounds = options.Get("rounds", 6);
        PauseMs = options.Get("pause-ms", 50);
        // both: alternate in this process. infoprune / ort: one side only, for a run in its own
        // process (ORT's and libtorch's idle pool threads spin-wait and slow the other down).
        var side = options.Get("side", "both");
        var runOurs = side is "both" or "infoprune";
        var runTheirs = side is "both" or "ort";
        // torchsharp: the hand-written TorchSharp twin in place of the executor, which shows how
        // much of a gap to ORT is the executor's own overhead rather than libtorch's.
        var twinInstead = side == "torchsharp";
        runOurs |= twinInstead;
        DeviceChoice.UseThreads(threads);
        using var data = FashionMnist.LoadTrain(options.Get("data", FashionMnist.DefaultDirectory));

        foreach (var name in models)
        {
            var path = Path.Combine(modelDir, name + ".onnx");
            using var executor = GraphExecutor.Create(OnnxModel.Load(path), CPU, OpRegistry.Default);
            executor.Training = false;
            using var ort = OrtModelRunner.FromFile(path, threads);
            using var twin = twinInstead ? TorchSharpTwins.Create(name) : null;
            twin?.eval();
            Func<Tensor, Tensor> forward = twin != null ? twin.forward : executor.Forward;
            foreach (var batch in batches)
            {
                using var scope = torch.NewDisposeScope();
                var (x, _) = data.Batch(0, batch);
                var shape = x.shape;
                var input = x.contiguous().data<float>().ToArray();

                void Ours()
                {
                    if (!runOurs) return;
                    using var step = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    _ = forward(x).data<float>().ToArray();
                }
                void Theirs()
                {
                    if (runTheirs) ort.Run(input, shape);
                }

                // Runs per block: about the same wall time per block whatever the batch.
                var perBlock = Math.Max(1, options.Get("block-images", 512) / batch);
                for (var i = 0; i < Math.Max(3, perBlock / 4); i++) { Ours(); Theirs(); }
                var ourTimes = new List<double>();
                var theirTimes = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    if (round % 2 == 0) { Time(Ours, perBlock, ourTimes); Time(Theirs, perBlock, theirTimes); }
                    else { Time(Theirs, perBlock, theirTimes); Time(Ours, perBlock, ourTimes); }
                }
                var result = new Dictionary<string, object>
                {
                    ["bench"] = "eval",
                    ["model"] = name,
                    ["batch"] = batch,
                    ["threads"] = threads,
                    ["runs"] = ourTimes.Count,
                    ["side"] = side,
                };
                if (runOurs) result[twinInstead ? "torchsharp" : "infoprune"] = Summary(ourTimes, batch);
                if (runTheirs) result["ort"] = Summary(theirTimes, batch);
                if (runOurs && runTheirs)
                {
                    result["ratio"] = Math.Round(Rate(ourTimes, batch) / Rate(theirTimes, batch), 3);
                    result["ratio_median_run"] = Math.Round(Median(theirTimes) / Median(ourTimes), 3);
                }
                Console.WriteLine(JsonSerializer.Serialize(result));
            }
        }
        return 0;
    }

    private static void Time(Action run, int count, List<double> into)
    {
        // Let the other runtime's idle pool threads (ORT's and OpenMP's spin-wait after work)
        // go to sleep first, or they take the cores from this block.
        Thread.Sleep(PauseMs);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            into.Add(watch.Elapsed.TotalSeconds);
        }
    }

    private static int PauseMs = 50;

    private static double Rate(List<double> seconds, int batch) => seconds.Count * batch / seconds.Sum();
    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static Dictionary<string, object> Summary(List<double> seconds, int batch) => new()
    {
        ["images_per_s"] = Math.Round(Rate(seconds, batch), 1),
        ["images_per_s_median_run"] = Math.Round(batch / Median(seconds), 1),
        ["images_per_s_best_run"] = Math.Round(batch / seconds.Min(), 1),
    };
}
