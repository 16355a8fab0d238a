using System.Text.Json;
using InfoPrune.Core.Onnx;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>`prune` with "method": "ib-gates", end to end on small real-data subsets.</summary>
public class IbGatesPruneTests
{
    private static (string Folder, string Policy) Setup(string target, string method = "\"name\": \"ib-gates\"")
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-ib-gates").FullName;
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
          "method": { {{method}} },
          "target": {{target}},
          "fineTune": { "epochs": 1, "batchSize": 64, "optimizer": { "name": "adam", "lr": 0.0005 } },
          "gate": { "maxDrop": 1.0 },
          "seed": 7
        }
        """);
        return (folder, policy);
    }

    [Fact]
    public void GatesOnTheFoldedResidualNetMeetTheMacsBudgetAndShipNoGate()
    {
        var (folder, policy) = Setup("""{ "macs": 0.3 }""", """ "name": "ib-gates", "epochs": 1, "gamma": 0.1 """);
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("resnet20.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        var original = OnnxModel.Load(TestModels.Path("resnet20.onnx"));
        var written = OnnxModel.Load(output);
        // μ is folded into the weights and the re-inserted BatchNorm folded back: the input's op structure.
        Assert.Equal(original.Graph.Nodes.Select(n => n.OpType), written.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal("ib-gates", written.Metadata["infoprune.method"]);

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.True(root.GetProperty("after").GetProperty("macs").GetInt64() <= root.GetProperty("before").GetProperty("macs").GetInt64() * 0.3 * 1.01);
        Assert.True(root.GetProperty("parityMaxAbsDifference").GetDouble() <= 1e-4);
        Assert.Equal(8, root.GetProperty("methodTraining").GetProperty("steps").GetInt32()); // 512 samples, batch 64, 1 epoch
        var scores = root.GetProperty("channelScores");
        Assert.Equal("log(1 + μ²/σ²)", scores.GetProperty("measure").GetString());
        Assert.Contains("macs 0.3", scores.GetProperty("thresholdRule").GetString());
        var threshold = scores.GetProperty("threshold").GetDouble();
        // The residual stage's one coupled group has a gate per set, weighted by the layers the set runs through.
        var groups = scores.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Contains(groups, g => g.GetProperty("weight").GetInt32() >= 7);
        // Every removed set scored at or below the threshold; every set above it was kept.
        foreach (var g in groups)
        {
            var values = g.GetProperty("scores").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.True(values.Count(v => v > threshold) <= g.GetProperty("kept").GetInt32());
        }
        var html = File.ReadAllText(output + ".report.html");
        Assert.Contains("alt=\"channel scores per group\"", html);
        Assert.Contains("ib-gates` trained for 1 epoch(s)", File.ReadAllText(output + ".report.md"));
    }

    [Fact]
    public void AutoTargetLetsTheThresholdDecideOnTheNetWithBatchNormKept()
    {
        // A strong penalty and a high threshold, so that this short run certainly cuts.
        var (folder, policy) = Setup("\"auto\"", """ "name": "ib-gates", "epochs": 2, "gamma": 2, "lr": 0.05, "threshold": 3 """);
        var output = Path.Combine(folder, "out.onnx");
        var result = CliRun.Invoke("prune", TestModels.Path("resnet20_bn.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.Equal("auto", root.GetProperty("target").GetString());
        Assert.Equal(3, root.GetProperty("channelScores").GetProperty("threshold").GetDouble());
        Assert.True(root.GetProperty("after").GetProperty("macs").GetInt64() < root.GetProperty("before").GetProperty("macs").GetInt64());
        Assert.True(root.GetProperty("parityMaxAbsDifference").GetDouble() <= 1e-4);
        // The kept BatchNorm carries the folded μ: the file keeps its op structure (less the Identity
        // copies of weights the analysis turns into initializers, as for every method).
        static IEnumerable<string> Ops(string path) => OnnxModel.Load(path).Graph.Nodes.Select(n => n.OpType).Where(op => op != "Identity");
        Assert.Equal(Ops(TestModels.Path("resnet20_bn.onnx")), Ops(output));
    }

    [Fact]
    public void UnknownGateParameterIsRefusedWithLineAndColumn()
    {
        var (_, policy) = Setup("\"auto\"", """ "name": "ib-gates", "gama": 0.1 """);
        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", Path.Combine(Path.GetDirectoryName(policy)!, "o.onnx"));
        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"policy\.json\(\d+,\d+\): error IP04\d\d: .*gama", result.Error);
    }
}
