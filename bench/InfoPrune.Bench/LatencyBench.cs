using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Pipeline;
using InfoPrune.Core.Reporting;
using Microsoft.ML.OnnxRuntime;

namespace InfoPrune.Bench;

/// <summary>
/// Latency ratio against MACs ratio: each model is pruned by the real pipeline (l1, the given MACs
/// budgets, with <c>"roundTo": 1</c> and with <c>"auto"</c>, and with <c>target.latency</c>), and
/// the report's latency — original and pruned timed interleaved in the same process — is printed
/// next to the MACs kept. Every emitted file is then timed again here, independently of the
/// tool's code (a plain ONNX Runtime loop, the two models alternating in blocks), to check the
/// report. One JSON line per run on stdout; a table on stderr at the end.
/// </summary>
internal static class LatencyBench
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static int Run(BenchOptions options)
    {
        var models = options.Positional.Count > 0 ? options.Positional : ["lenet5", "resnet20", "depthwise"];
        var budgets = options.Get("budgets", "0.75,0.5,0.25").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var roundings = options.Get("rounding", "1,auto").Split(',');
        var latencyTargets = options.Get("latency-targets", "0.5").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var threads = options.Get("threads", 1);
        // Fine-tuning may use more threads than the application's ONNX Runtime is timed with.
        var latencyThreads = options.Get("latency-threads", threads);
        var batch = options.Get("batch", 64);
        var epochs = options.Get("epochs", 0);
        var trainSamples = options.Get("train-samples", 0);
        var method = options.Get("method", "l1");
        var work = options.Get("work", Path.Combine(Path.GetTempPath(), $"infoprune-latency-bench-{Environment.ProcessId}"));
        var data = options.Get("data", FashionMnist.DefaultDirectory);
        Directory.CreateDirectory(work);
        var train = trainSamples > 0 ? SubsetOfTrain(data, work, trainSamples) : (Path.Combine(data, "train-images-idx3-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"));

        var rows = new List<Row>();
        foreach (var name in models)
        {
            var modelPath = Resolve(name, options, work);
            var runs = budgets.SelectMany(b => roundings.Select(r => (Target: $"\"macs\": {Num(b)}", Rounding: r)))
                .Concat(latencyTargets.Select(t => (Target: $"\"latency\": {Num(t)}", Rounding: "auto")));
            foreach (var (target, rounding) in runs)
            {
                var label = $"{name} {target.Replace("\"", "")} roundTo {rounding}";
                Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {label} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
                var policy = WritePolicy(work, name, target, rounding, epochs, batch, latencyThreads, method, train, data);
                var output = Path.Combine(work, $"{name}.{Slug(target)}.{rounding}.onnx");
                var clock = Stopwatch.StartNew();
                PruneReport report;
                try
                {
                    report = new PrunePipeline().Run(new PruneRequest(modelPath, policy) { OutputPath = output, Threads = threads }).Report;
                }
                catch (InfoPruneException ex)
                {
                    Console.Error.WriteLine($"  failed: {ex.Message}");
                    continue;
                }
                var seconds = clock.Elapsed.TotalSeconds;
                var independent = report.Latency!.Batches.Select(b => IndependentRatio(modelPath, output, b.BatchSize, latencyThreads)).ToArray();
                var row = new Row(name, target.Replace("\"", ""), rounding, (double)report.After!.Macs / report.Before.Macs,
                    (double)report.After.Parameters / report.Before.Parameters, report.Before.Accuracy, report.After.Accuracy,
                    report.Latency.Batches.Select((b, i) => new BatchRow(b.BatchSize, b.Original.Median, b.Pruned.Median, b.Ratio.Median, b.Ratio.LowerQuartile,
                        b.Ratio.UpperQuartile, b.FastestRatio, b.PrunedIsSlower, independent[i].Original, independent[i].Pruned, independent[i].Ratio)).ToArray(),
                    report.Groups.Where(g => g.Prunable).Select(g => $"{g.ChannelsAfter}/{g.ChannelsBefore}").ToArray(),
                    report.Latency.Widths?.Seconds, report.Latency.Widths?.ProbesMeasured, report.Steps.FirstOrDefault(s => s.Step == "latency")?.Seconds,
                    report.Steps.FirstOrDefault(s => s.Step == "plan")?.Seconds, seconds, report.Warnings.Count(w => w.Contains("IP0560")),
                    report.Latency.Search?.Steps.Select(s => $"{Num(s.MacsFraction)}→{Num(s.LatencyRatio)}").ToArray());
                rows.Add(row);
                Console.WriteLine(JsonSerializer.Serialize(row, Json));
            }
        }
        PrintTable(rows);
        return 0;
    }

    private static string Resolve(string name, BenchOptions options, string work)
    {
        if (name == "depthwise")
        {
            var path = Path.Combine(work, "depthwise.onnx");
            var trained = options.Get("depthwise", "");
            if (trained.Length > 0) return trained;
            File.WriteAllBytes(path, DepthwiseNet.Build());
            return path;
        }
        if (File.Exists(name)) return Path.GetFullPath(name);
        foreach (var folder in new[] { options.Get("models", "/work/shared/models"), options.Get("fixtures", "tests/InfoPrune.Core.Tests/Fixtures") })
            if (File.Exists(Path.Combine(folder, name + ".onnx"))) return Path.GetFullPath(Path.Combine(folder, name + ".onnx"));
        throw new FileNotFoundException($"no model '{name}' in the models or fixtures folder");
    }

    private static string WritePolicy(string work, string name, string target, string rounding, int epochs, int batch, int threads, string method,
        (string Images, string Labels) train, string data)
    {
        var roundTo = rounding == "auto" ? "\"auto\"" : rounding;
        var text = $$"""
            {
              "version": 1,
              "data": {
                "train":      { "images": "{{train.Images}}", "labels": "{{train.Labels}}" },
                "validation": { "images": "{{Path.Combine(data, "t10k-images-idx3-ubyte.gz")}}", "labels": "{{Path.Combine(data, "t10k-labels-idx1-ubyte.gz")}}" },
                "calibration": { "samples": 512 },
                "preprocess": { "scale": 0.00392156862745098 }
              },
              "method": { "name": "{{method}}" },
              "target": { {{target}} },
              "constraints": { "roundTo": {{roundTo}} },
              "fineTune": { "epochs": {{epochs}}, "batchSize": 128, "optimizer": { "name": "adam", "lr": 0.001 }, "schedule": "cosine" },
              "gate": { "maxDrop": 1.0 },
              "latency": { "batchSize": {{batch}}, "threads": {{threads}} },
              "seed": 1
            }
            """;
        var path = Path.Combine(work, $"{name}.{Slug(target)}.{rounding}.policy.json");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// The original against the emitted file with nothing of the tool's timing code: a session per
    /// model with default options but the thread count, blocks of runs alternating, medians.
    /// </summary>
    private static (double Original, double Pruned, double Ratio) IndependentRatio(string original, string pruned, int batch, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var a = new InferenceSession(original, options);
        using var b = new InferenceSession(pruned, options);
        var name = a.InputNames[0];
        var shape = new long[] { batch }.Concat(a.InputMetadata[name].Dimensions.Skip(1).Select(d => (long)d)).ToArray();
        using var x = OrtValue.CreateTensorValueFromMemory(new float[shape.Aggregate(1L, (p, d) => p * d)], shape);
        double Once(InferenceSession s)
        {
            var start = Stopwatch.GetTimestamp();
            using var result = s.Run(new RunOptions(), [name], [x], s.OutputNames);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        for (var i = 0; i < 5; i++) { Once(a); Once(b); }
        var ta = new List<double>();
        var tb = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < 400 && (round < 20 || clock.Elapsed.TotalSeconds < 2); round++)
        {
            for (var i = 0; i < 5; i++) ta.Add(Once(a));
            for (var i = 0; i < 5; i++) tb.Add(Once(b));
        }
        double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
        var (ma, mb) = (Median(ta), Median(tb));
        return (ma, mb, mb / ma);
    }

    /// <summary>The first <paramref name="count"/> training samples as IDX files, for short fine-tuning.</summary>
    private static (string Images, string Labels) SubsetOfTrain(string data, string work, int count)
    {
        string Subset(string file)
        {
            var bytes = ReadGz(Path.Combine(data, file));
            var rank = bytes[3];
            var dims = Enumerable.Range(0, rank).Select(i => (bytes[4 + 4 * i] << 24) | (bytes[5 + 4 * i] << 16) | (bytes[6 + 4 * i] << 8) | bytes[7 + 4 * i]).ToArray();
            var header = 4 + 4 * rank;
            var perSample = dims.Skip(1).Aggregate(1, (p, d) => p * d);
            var n = Math.Min(count, dims[0]);
            var output = new byte[header + n * perSample];
            Array.Copy(bytes, output, header + n * perSample);
            output[4] = (byte)(n >> 24); output[5] = (byte)(n >> 16); output[6] = (byte)(n >> 8); output[7] = (byte)n;
            var path = Path.Combine(work, $"{count}-{file}");
            using var stream = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            stream.Write(output);
            return path;
        }
        return (Subset("train-images-idx3-ubyte.gz"), Subset("train-labels-idx1-ubyte.gz"));
    }

    private static byte[] ReadGz(string path)
    {
        using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        input.CopyTo(memory);
        return memory.ToArray();
    }

    private static void PrintTable(IReadOnlyList<Row> rows)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine("model       target        roundTo  MACs   b1 ratio (IQR)        b64 ratio (IQR)       indep b1/b64   acc before→after   kept");
        foreach (var r in rows)
        {
            var b1 = r.Batches.FirstOrDefault(b => b.BatchSize == 1);
            var bn = r.Batches.LastOrDefault();
            string Cell(BatchRow? b) => b == null ? "—" : $"{b.Ratio:0.00} ({b.RatioLow:0.00}–{b.RatioHigh:0.00}){(b.Slower ? "!" : "")}";
            Console.Error.WriteLine($"{r.Model,-11} {r.Target,-13} {r.Rounding,-8} {r.MacsRatio,5:0.00}  {Cell(b1),-21} {Cell(bn),-21} " +
                $"{b1?.IndependentRatio:0.00}/{bn?.IndependentRatio:0.00}      {r.AccuracyBefore:P1}→{r.AccuracyAfter:P1}   {string.Join(" ", r.Kept)}");
        }
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Slug(string target) => target.Replace("\"", "").Replace(": ", "").Replace(".", "_");

    private sealed record BatchRow(int BatchSize, double OriginalMs, double PrunedMs, double Ratio, double RatioLow, double RatioHigh, double FastestRatio, bool Slower,
        double IndependentOriginalMs, double IndependentPrunedMs, double IndependentRatio);

    private sealed record Row(string Model, string Target, string Rounding, double MacsRatio, double ParamsRatio, double? AccuracyBefore, double? AccuracyAfter,
        BatchRow[] Batches, string[] Kept, double? WidthSeconds, int? ProbesMeasured, double? LatencySeconds, double? PlanSeconds, double TotalSeconds,
        int SlowerWarnings, string[]? Search);
}
