using InfoPrune.Core.Pipeline;
using InfoPrune.Core.Reporting;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>
/// Prune runs that time ONNX Runtime: what the report holds and what the width cache saves. No
/// assertion is about how fast anything ran — the machine running the tests decides that.
/// </summary>
public class LatencyPruneTests
{
    private static readonly string MobileNet = Path.Combine(AppContext.BaseDirectory, "Fixtures", "mobilenet.onnx");

    private static (string Folder, string Policy) Setup(string target = "\"macs\": 0.5", string extra = "")
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-latency").FullName;
        var (images, labels) = FashionSubset.Write(folder, "t10k", 200);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, $$"""
        {
          "version": 1,
          "data": {
            "validation": { "images": "{{Path.GetFileName(images)}}", "labels": "{{Path.GetFileName(labels)}}" },
            "calibration": { "from": "validation" }
          },
          "method": { "name": "l1" },
          "target": { {{target}} },
          "fineTune": { "epochs": 0 },
          "gate": { "maxDrop": 1.0 {{extra}} },
          "latency": { "batchSize": 8, "threads": 1 }
        }
        """);
        return (folder, policy);
    }

    [Fact]
    public void AutoWidthsAreMeasuredOnceThenReadFromTheCacheAndTheReportHoldsTheTimings()
    {
        var (folder, policy) = Setup();
        var cache = Path.Combine(folder, "cache");
        PruneReport Run(string output) => new PrunePipeline().Run(new PruneRequest(MobileNet, policy)
        {
            OutputPath = Path.Combine(folder, output), Threads = 1, CacheFolder = cache,
        }).Report;

        var first = Run("first.onnx");

        var latency = first.Latency!;
        Assert.Equal([1, 8], latency.Batches.Select(b => b.BatchSize));
        Assert.All(latency.Batches, b =>
        {
            Assert.True(b.Ratio.Samples >= 10, $"batch {b.BatchSize}: {b.Ratio.Samples} rounds");
            Assert.True(b.Original.LowerQuartile <= b.Original.Median && b.Original.Median <= b.Original.UpperQuartile);
            Assert.True(b.Ratio.LowerQuartile <= b.Ratio.Median && b.Ratio.Median <= b.Ratio.UpperQuartile);
        });
        Assert.Contains(latency.Layers, l => l.Name == "/b/b.1/b.1.3/Conv");
        Assert.InRange(latency.Layers.Sum(l => l.OriginalShare), 0.99, 1.01);
        Assert.True(latency.Widths!.ProbesMeasured > 0);
        Assert.True(File.Exists(latency.Widths.CacheFile));
        Assert.True((double)first.After!.Macs / first.Before.Macs <= 0.5);
        foreach (var group in first.Groups.Where(g => g.Prunable))
            Assert.Equal(group.ChannelsBefore, group.FastWidths![^1]);
        Assert.Contains("| latency, batch 8 |", File.ReadAllText(Path.Combine(folder, "first.onnx.report.md")));

        var second = Run("second.onnx");

        Assert.Equal(0, second.Latency!.Widths!.ProbesMeasured);
        Assert.Equal(latency.Widths.ProbesMeasured + latency.Widths.ProbesReused, second.Latency.Widths.ProbesReused);
        // Same model, policy and measured widths: the same plan.
        Assert.Equal(first.Groups.Select(g => g.ChannelsAfter), second.Groups.Select(g => g.ChannelsAfter));
    }

    [Theory]
    [InlineData("\"latency\": 0.5", "")]
    [InlineData("\"macs\": 0.5", ", \"maxLatencyRatio\": 0.9")]
    public void LatencyTargetOrGateWithNoLatencyIsABadInputNamingThePolicy(string target, string gate)
    {
        var (folder, policy) = Setup(target, gate);

        var result = CliRun.Invoke("prune", MobileNet, "--policy", policy, "--out", Path.Combine(folder, "out.onnx"), "--no-latency");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{policy}: error IP0561:", result.Error);
        Assert.False(File.Exists(Path.Combine(folder, "out.onnx")));
    }
}
