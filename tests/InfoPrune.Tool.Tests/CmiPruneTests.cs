using System.Text.Json;
using InfoPrune.Core.Onnx;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>The cmi method through `prune`, on lenet5 with small real-data subsets.</summary>
public class CmiPruneTests
{
    private static (string Folder, string Policy) Setup(string target, string method)
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cmi").FullName;
        var (trainImages, trainLabels) = FashionSubset.Write(folder, "train", 256);
        var (testImages, testLabels) = FashionSubset.Write(folder, "t10k", 200);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, $$"""
        {
          "version": 1,
          "data": {
            "train": { "images": "{{Path.GetFileName(trainImages)}}", "labels": "{{Path.GetFileName(trainLabels)}}" },
            "validation": { "images": "{{Path.GetFileName(testImages)}}", "labels": "{{Path.GetFileName(testLabels)}}" },
            "calibration": { "from": "train", "samples": 256 }
          },
          "method": {{method}},
          "target": {{target}},
          "constraints": { "roundTo": 1 },
          "fineTune": { "epochs": 0 },
          "gate": { "maxDrop": 1.0 },
          "seed": 7
        }
        """);
        return (folder, policy);
    }

    [Fact]
    public void AutoTargetPrunesByTheCutoffsAndTheReportHoldsEachLayersCurve()
    {
        var (folder, policy) = Setup("\"auto\"", """{ "name": "cmi", "samples": 64 }""");
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("cmi", OnnxModel.Load(output).Metadata["infoprune.method"]);
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.Equal("auto", root.GetProperty("target").GetString());
        var details = root.GetProperty("methodDetails");
        Assert.Equal(64, details.GetProperty("samples").GetInt32());
        var visited = details.GetProperty("visitingOrder").EnumerateArray().Select(v => v.GetString()).ToArray();
        Assert.Equal(4, visited.Length); // conv1, conv2, fc1, fc2 (fc3 reaches the output)
        Assert.Equal(details.GetProperty("startLayer").GetString(), visited[0]);
        var groups = root.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("name").GetString()!);
        foreach (var layer in details.GetProperty("layers").EnumerateArray())
        {
            var channels = layer.GetProperty("channels").GetInt32();
            var curve = layer.GetProperty("cumulative").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(channels + 1, curve.Length);
            Assert.Equal(0.0, curve[0]);
            var kept = layer.GetProperty("kept").GetInt32();
            var group = groups[layer.GetProperty("name").GetString()!];
            Assert.Equal(kept, group.GetProperty("channelsAfter").GetInt32());
            Assert.StartsWith("cmi:", group.GetProperty("why").GetString());
        }
        Assert.True(root.GetProperty("after").GetProperty("macs").GetInt64() < root.GetProperty("before").GetProperty("macs").GetInt64());
    }

    [Fact]
    public void AMacsBudgetIsMetAndTheReportSaysHow()
    {
        var (folder, policy) = Setup("""{ "macs": 0.5 }""", """{ "name": "cmi", "samples": 64, "order": "forward", "cutoff": "xmeans" }""");
        var output = Path.Combine(folder, "out.onnx");

        var result = CliRun.Invoke("prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(File.ReadAllText(output + ".report.json"));
        var root = report.RootElement;
        Assert.True(root.GetProperty("after").GetProperty("macs").GetInt64() <= root.GetProperty("before").GetProperty("macs").GetInt64() * 0.5);
        var details = root.GetProperty("methodDetails");
        Assert.Contains("scaled by", details.GetProperty("howTargetMet").GetString());
        Assert.Equal("xmeans", details.GetProperty("cutoff").GetString());
        Assert.Equal(JsonValueKind.Number, details.GetProperty("scale").ValueKind);
    }
}
