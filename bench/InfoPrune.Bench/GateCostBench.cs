using System.Globalization;
using System.Text.Json;
using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.IbGates;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Preparation;
using InfoPrune.Core.Training;
using TorchSharp;

namespace InfoPrune.Bench;

/// <summary>
/// What information-bottleneck gate training costs per step against plain fine-tuning of the same
/// unpruned model, prepared as `prune` prepares it (BatchNorm re-inserted where folded away):
/// rounds of plain and gated steps alternate, so both see the same machine load, and the ratio is
/// taken round by round (median). One JSON line per model.
/// </summary>
internal static class GateCostBench
{
    public static int Run(BenchOptions options)
    {
        var models = options.Get("models", "/work/shared/models");
        var data = options.Get("data", FashionMnist.DefaultDirectory);
        var steps = options.Get("steps", 60);
        var rounds = options.Get("rounds", 3);
        var batch = options.Get("batch", 128);
        DeviceChoice.UseThreads(options.Get("threads", 2));
        using var train = LabeledDataset.Open(Path.Combine(data, "train-images-idx3-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"),
            new DatasetOptions { ClassCount = 10, Preprocessing = new Preprocessing { Scale = 1.0 / 255, SampleShape = new[] { 1, 28, 28 } } });
        var names = options.Positional.Count > 0 ? options.Positional : new List<string> { "resnet20", "resnet20_bn" };
        foreach (var name in names)
        {
            var model = OnnxModel.Load(name.EndsWith(".onnx", StringComparison.Ordinal) ? name : Path.Combine(models, name + ".onnx"));
            var graph = DependencyGraph.Analyze(model);
            var calibration = new BatchStream(train, new BatchOptions(256) { ShuffleSeed = 42 }).Epoch().Take(8);
            var prepared = BatchNormReinsertion.Insert(graph.Model, calibration);
            var fineTune = new FineTuneOptions { Epochs = 1, BatchSize = batch, SampleLimit = steps * batch, Seed = 42, Schedule = Core.Policy.ScheduleKind.Cosine };
            var plain = new List<double>();
            var gated = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                using (var executor = GraphExecutor.Create(prepared.Model))
                    plain.Add(new Trainer(fineTune).Train(executor, train).Seconds / steps);
                using (var executor = GraphExecutor.Create(prepared.Model))
                // Under a MACs budget, as the 8% runs: the cost includes γ′'s controller reading the gates every 10 steps.
                using (var session = new IbGatesMethod().BeginTraining(graph, executor,
                    new MethodTrainingGoal(new Core.Policy.TargetPolicy(Core.Policy.TargetKind.Macs, 0.08), Core.Policy.ConstraintsPolicy.Default, steps)))
                    gated.Add(new Trainer(fineTune).Train(executor, train, hook: session).Seconds / steps);
            }
            var ratios = plain.Zip(gated, (p, g) => g / p).Order().ToArray();
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "gate-cost", model = name, batch, stepsPerRound = steps, rounds,
                plainSecondsPerStep = plain, gatedSecondsPerStep = gated,
                medianRatio = ratios[ratios.Length / 2],
                load = File.ReadAllText("/proc/loadavg").Split(' ')[0],
            }));
        }
        return 0;
    }
}
