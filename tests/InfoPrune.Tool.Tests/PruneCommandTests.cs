using System.Text.Json;
using InfoPrune.Core.Onnx;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>The whole pipeline on lenet5 with small real-data subsets, run in-process like the CLI.</summary>
public class PruneCommandTests
{
    private static (string Folder, string Policy) Setup(string gate, int epochs = 1, string method = "l1", string target = "\"macs\": 0.5", string methodOptions = "", string extra = "")
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-prune").FullName;
        var (trainImages, trainLabels) = FashionSubset.Write(folder, "train", 512);
        var (testImages, testLabels) = FashionSubset.Write(folder, "t10k", 300);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, $$"""
        {
          "version": 1,
          "data": {
            "train": { "images": "{{Path.GetFileName(trainImages)}}", "labels": "{{Path.GetFileName(trainLabels)}}" },
            "validation": { "images": "{{Path.GetFileName(testImages)}}", "labels": "{{Path.GetFileName(testLabels)}}" }
          },
          "method": { "name": "{{method}}"{{methodOptions}} },
          "target": { {{target}} },
          "fineTune": { "epochs": {{epochs}}, "batchSize": 64, "optimizer": { "name": "adam", "lr": 0.0005 } },
          "gate": {{gate}},
          "seed": 7{{extra}}
        }
        """);
        return (folder, policy);
    }

    [Fact]
    public void PruneWritesASmallerModelThatRunsInOrtAndAReport()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 0.5 }""");
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(new FileInfo(output).Length < new FileInfo(TestModels.Path("lenet5.onnx")).Length);

        var pruned = OnnxModel.Load(output);
        Assert.Equal("l1", pruned.Metadata["infoprune.method"]);
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var after = report.RootElement.GetProperty("after");
        var before = report.RootElement.GetProperty("before");
        Assert.True(after.GetProperty("macs").GetInt64() <= before.GetProperty("macs").GetInt64() * 0.5 * 1.02);
        Assert.True(after.GetProperty("parameters").GetInt64() < before.GetProperty("parameters").GetInt64());
        Assert.Equal("pruned", report.RootElement.GetProperty("outcome").GetString());
        Assert.True(report.RootElement.GetProperty("parityMaxAbsDifference").GetDouble() <= 1e-3);
        Assert.True(File.Exists(output + ".report.md"));
        var html = File.ReadAllText(output + ".report.html");
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("/conv2/Conv", html);
        // The accuracy reported is what ONNX Runtime measures on the shipped file.
        var eval = CliRun.Invoke("eval", output, "--images", Path.Combine(folder, "t10k-300-images.idx"), "--labels", Path.Combine(folder, "t10k-300-labels.idx"), "--runtime", "ort", "--json");
        Assert.Equal(after.GetProperty("accuracy").GetDouble(), eval.Json().GetProperty("accuracy").GetDouble(), 6);
    }

    [Fact]
    public void ReinsertedBatchNormIsListedTrainedAndFoldedAwayFromTheWrittenModel()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 0.5 }""");
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var layers = report.RootElement.GetProperty("batchNormLayers").EnumerateArray().Select(e => e.GetString()).ToArray();
        // Both convolutions and the two hidden Gemms; never the classifier head.
        Assert.Equal(4, layers.Length);
        Assert.Contains("/conv1/Conv", layers);
        Assert.DoesNotContain("/fc3/Gemm", layers);
        Assert.Contains("BatchNorm re-inserted after 4 layer(s)", File.ReadAllText(output + ".report.md"));
        var written = OnnxModel.Load(output);
        Assert.DoesNotContain(written.Graph.Nodes, n => n.OpType == "BatchNormalization");
        Assert.Equal(OnnxModel.Load(TestModels.Path("lenet5.onnx")).Graph.Nodes.Select(n => n.OpType), written.Graph.Nodes.Select(n => n.OpType));
        // Parity is ONNX Runtime on the written file against the trained network with its normalisers.
        Assert.True(report.RootElement.GetProperty("parityMaxAbsDifference").GetDouble() <= 1e-4);
    }

    [Fact]
    public void IterativePruningReachesTheTargetInStepsAndTrainsTheSameStepsAsOneShot()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 0.9 }""", target: "\"macs\": 0.3", extra: ",\n  \"steps\": 3");
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.Equal(3, root.GetProperty("pruningSteps").GetInt32());
        var steps = root.GetProperty("steps").EnumerateArray().Select(e => e.GetProperty("step").GetString()).ToArray();
        Assert.Equal(new[] { "plan (step 1/3)", "plan (step 2/3)", "plan (step 3/3)" }, steps.Where(s => s!.StartsWith("plan")));
        Assert.Equal(3, steps.Count(s => s!.StartsWith("fine-tune")));
        var macs = root.GetProperty("after").GetProperty("macs").GetInt64();
        Assert.True(macs <= root.GetProperty("before").GetProperty("macs").GetInt64() * 0.3 * 1.02, $"kept {macs} MACs");
        // 512 samples in batches of 64, one epoch: 8 steps in all, shared between the three pruning steps.
        Assert.Equal(8, root.GetProperty("fineTune").GetProperty("steps").GetInt32());
        // Each group reports its final width in the written model.
        var written = DependencyGraphWidths(output);
        foreach (var group in root.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("prunable").GetBoolean()))
            Assert.Equal(written[group.GetProperty("name").GetString()!], group.GetProperty("channelsAfter").GetInt32());
    }

    private static Dictionary<string, int> DependencyGraphWidths(string model) =>
        InfoPrune.Core.Graph.DependencyGraph.Analyze(OnnxModel.Load(model)).Groups.GroupBy(g => g.Name).ToDictionary(g => g.Key, g => g.First().Size);

    [Theory]
    [InlineData("mutual-information", "sensitivity", true)]
    [InlineData("l1", "sensitivity", true)]
    [InlineData("l1", "uniform", false)]
    public void AllocationBySensitivityRunsItsOwnPassAndMeetsTheMacsTarget(string method, string allocation, bool measured)
    {
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0, method: method,
            extra: $$""", "constraints": { "allocation": "{{allocation}}", "roundTo": 1 }""");
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        var steps = root.GetProperty("steps").EnumerateArray().Select(e => e.GetProperty("step").GetString()).ToArray();
        Assert.Equal(measured, steps.Contains("sensitivity"));
        Assert.True(root.GetProperty("after").GetProperty("macs").GetInt64() <= root.GetProperty("before").GetProperty("macs").GetInt64() * 0.5);
        var reasons = root.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("prunable").GetBoolean())
            .Select(g => g.GetProperty("why").GetString()!).ToArray();
        Assert.Contains(reasons, r => r.Contains(measured ? "measured sensitivity" : "uniform keep ratio", StringComparison.Ordinal));
    }

    [Fact]
    public void MippWithAnAutoTargetPrunesEndToEndAndReportsEachLayersRatioWithAlphaAndEvidence()
    {
        // Small predictors: the defaults are sized for real layers, the test only needs the loop.
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0, method: "mipp",
            methodOptions: ", \"hidden\": [32, 32], \"fitSteps\": 60, \"retrainSteps\": 10, \"samples\": 256");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"target\": { \"macs\": 0.5 }", "\"target\": \"auto\""));
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("mipp", OnnxModel.Load(output).Metadata["infoprune.method"]);
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.Equal("auto", root.GetProperty("target").GetString());
        var groups = root.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("prunable").GetBoolean()).ToArray();
        Assert.Equal(4, groups.Length);
        Assert.All(groups, g =>
        {
            Assert.InRange(g.GetProperty("channelsAfter").GetInt32(), 1, g.GetProperty("channelsBefore").GetInt32());
            Assert.Matches(@"^mipp α 0\.9: kept \d+ of \d+ .*held-out reconstruction loss", g.GetProperty("why").GetString());
        });
        Assert.True(root.GetProperty("after").GetProperty("parameters").GetInt64() < root.GetProperty("before").GetProperty("parameters").GetInt64());
        Assert.Equal(DependencyGraphWidths(output)[groups[0].GetProperty("name").GetString()!], groups[0].GetProperty("channelsAfter").GetInt32());
    }

    [Fact]
    public void UnreachableMinAccuracyFailsWithBothNumbersAndWritesNoModel()
    {
        var (folder, policy) = Setup("""{ "minAccuracy": 0.999 }""", epochs: 0);
        var output = Path.Combine(folder, "out.onnx");
        // A model left by an earlier, passing run must not survive a failed one.
        File.WriteAllBytes(output, new byte[] { 1, 2, 3 });
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error IP1001", result.Error);
        Assert.Matches(@"accuracy \d+\.\d\d% is below the gate's minAccuracy 99\.90%", result.Error);
        Assert.False(File.Exists(output));
        Assert.True(File.Exists(output + ".report.json"));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void WarningsGoToTheConsoleAsCanonicalLinesAndIntoTheReports()
    {
        // Cross-layer ranking is allowed but warned about; keeping 0.2% of lenet5's parameters is
        // less than maxRatio 0.9 per layer and the frozen output layer allow (about 1.5%).
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0, method: "mutual-information", target: "\"params\": 0.002",
            methodOptions: ", \"crossLayer\": true");
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{policy}: warning IP0545: method 'mutual-information' ranks units across layers", result.Error);
        Assert.Matches(@"warning IP0531: the target keeps 0\.002 of the parameters, but the plan keeps 0\.01\d", result.Error);
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var warnings = report.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();
        // The third: the default calibration.samples (2048) is more than the 512 training samples here.
        Assert.Equal(3, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("IP0531"));
        Assert.Contains(warnings, w => w.Contains("IP0319"));
        var markdown = File.ReadAllText(output + ".report.md");
        Assert.Contains("IP0545", markdown);
        Assert.Contains("IP0531", markdown);
    }

    [Fact]
    public void ExcludeEntriesThatMatchNoNodeAreWarnedAbout()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0);
        var text = File.ReadAllText(policy).Replace("\"seed\": 7", "\"constraints\": { \"exclude\": [\"/conv1/Conv\", \"/fc9/\", \"conv2\"] },\n  \"seed\": 7");
        File.WriteAllText(policy, text);
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency");

        Assert.True(result.ExitCode == 0, result.ToString());
        var warnings = result.Error.Split('\n').Where(l => l.Contains("warning IP0532")).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("exclude[1] \"/fc9/\"") && w.Contains("pattern"));
        Assert.Contains(warnings, w => w.Contains("exclude[2] \"conv2\"") && w.Contains("exact name"));
    }

    [Fact]
    public void AReachableTargetRaisesNoWarning()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0);
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("warning", result.Error);
    }

    [Fact]
    public void MinAccuracyOverrideReplacesThePolicyGate()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 1.0 }""", epochs: 0);
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--min-accuracy", "0.999");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("IP1001", result.Error);
    }

    [Fact]
    public void SameCommandTwiceGivesIdenticalBytes()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 0.5 }""");
        var first = Path.Combine(folder, "a.onnx");
        var second = Path.Combine(folder, "b.onnx");
        Assert.Equal(0, CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", first, "--no-latency", "--threads", "2").ExitCode);
        Assert.Equal(0, CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", second, "--no-latency", "--threads", "2").ExitCode);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void MalformedPolicyIsReportedWithLineAndColumn()
    {
        var (folder, policy) = Setup("""{ "maxDrop": 0.5 }""");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("\"batchSize\": 64", "\"batchSize\": -64"));
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", Path.Combine(folder, "x.onnx"));
        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"policy\.json\(\d+,\d+\): error IP04\d\d: fineTune\.batchSize", result.Error);
    }

    [Fact]
    public void SchemaCommandPrintsTheJsonSchema()
    {
        var result = CliRun.Invoke("schema");
        Assert.Equal(0, result.ExitCode);
        using var schema = JsonDocument.Parse(result.Out);
        Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty("fineTune", out _));
    }
}

public class PruneCancellationTests
{
    [Fact]
    public void CancellingDuringFineTuningWritesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cancel").FullName;
        var (trainImages, trainLabels) = FashionSubset.Write(folder, "train", 2048);
        var (testImages, testLabels) = FashionSubset.Write(folder, "t10k", 200);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, $$"""
        { "version": 1,
          "data": { "train": { "images": "{{trainImages}}", "labels": "{{trainLabels}}" },
                    "validation": { "images": "{{testImages}}", "labels": "{{testLabels}}" } },
          "method": { "name": "l1" }, "target": { "ratio": 0.5 },
          "fineTune": { "epochs": 50, "batchSize": 32 }, "gate": { "maxDrop": 1.0 } }
        """);
        var output = Path.Combine(folder, "out.onnx");
        using var cancellation = new CancellationTokenSource();
        // Cancel as soon as training reports progress, as Ctrl+C would mid-run.
        var progress = new InlineProgress(p => { if (p.Step == "fine-tune") cancellation.Cancel(); });
        var pipeline = new InfoPrune.Core.Pipeline.PrunePipeline(progress);
        var request = new InfoPrune.Core.Pipeline.PruneRequest(TestModels.Path("lenet5.onnx"), policy) { OutputPath = output, MeasureLatency = false, Threads = 2 };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Run(request, cancellation.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "50 epochs ran to the end instead of stopping");
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".report.json"));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    /// <summary>Progress delivered synchronously on the reporting thread (Progress&lt;T&gt; would post it later).</summary>
    private sealed class InlineProgress(Action<InfoPrune.Core.Pipeline.PipelineProgress> report) : IProgress<InfoPrune.Core.Pipeline.PipelineProgress>
    {
        public void Report(InfoPrune.Core.Pipeline.PipelineProgress value) => report(value);
    }
}
