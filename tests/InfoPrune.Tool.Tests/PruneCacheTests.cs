using System.Text.Json;
using InfoPrune.Core.Pipeline;
using InfoPrune.Tests.Support;
using InfoPrune.Tool.Caching;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>
/// `prune --cache-dir`: results by content, so a second configuration (or CI run) with the same
/// model, policy, data, tool and settings copies the result instead of pruning again.
/// </summary>
public class PruneCacheTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("infoprune-cache").FullName;

    private static PruneRequest Request(string folder, string output) =>
        new(Path.Combine(folder, "model.onnx"), Path.Combine(folder, "policy.json")) { OutputPath = output };

    private static string[] Inputs(string folder)
    {
        foreach (var (name, text) in new[] { ("model.onnx", "model"), ("policy.json", "{}"), ("data.idx", "data") })
            if (!File.Exists(Path.Combine(folder, name))) File.WriteAllText(Path.Combine(folder, name), text);
        return new[] { "model.onnx", "policy.json", "data.idx" }.Select(n => Path.Combine(folder, n)).ToArray();
    }

    [Fact]
    public void TheKeyFollowsContentAndSettingsButNotOutputPaths()
    {
        var folder = Folder();
        var inputs = Inputs(folder);
        var key = PruneCache.Key(Request(folder, "/a/obj/Debug/model.onnx"), inputs);

        Assert.Equal(key, PruneCache.Key(Request(folder, "/a/obj/Release/model.onnx") with { ReportPath = "/elsewhere/r.json" }, inputs));
        Assert.NotEqual(key, PruneCache.Key(Request(folder, "/a/obj/Debug/model.onnx") with { MinAccuracyOverride = 0.9 }, inputs));
        Assert.NotEqual(key, PruneCache.Key(Request(folder, "/a/obj/Debug/model.onnx") with { Threads = 2 }, inputs));
        Assert.NotEqual(key, PruneCache.Key(Request(folder, "/a/obj/Debug/model.onnx") with { MeasureLatency = false }, inputs));

        File.WriteAllText(inputs[2], "data, edited");
        Assert.NotEqual(key, PruneCache.Key(Request(folder, "/a/obj/Debug/model.onnx"), inputs));
    }

    [Fact]
    public void AnotherMachineGetsAnotherKeyOnlyWhenLatencyShapesTheResult()
    {
        // roundTo "auto" plans with the widths this machine runs fast; a shared cache must not hand them to another machine.
        var folder = Folder();
        var inputs = Inputs(folder);
        var timed = Request(folder, "/a/obj/Debug/model.onnx");
        Assert.True(timed.MeasureLatency);
        Assert.NotEqual(PruneCache.Key(timed, inputs, "machine-a"), PruneCache.Key(timed, inputs, "machine-b"));
        var untimed = timed with { MeasureLatency = false };
        Assert.Equal(PruneCache.Key(untimed, inputs, "machine-a"), PruneCache.Key(untimed, inputs, "machine-b"));
    }

    [Fact]
    public void ACopiedFolderWithTheSameBytesHasTheSameKey()
    {
        // CI restores the cache into a fresh checkout: paths differ, bytes do not.
        var first = Folder();
        var second = Folder();
        var inputs = Inputs(first);
        foreach (var file in inputs) File.Copy(file, Path.Combine(second, Path.GetFileName(file)));

        Assert.Equal(PruneCache.Key(Request(first, "out.onnx"), inputs), PruneCache.Key(Request(second, "out.onnx"), Inputs(second)));
    }

    [Fact]
    public void AnEmptyOrBrokenEntryIsAMiss()
    {
        var folder = Folder();
        var cache = new PruneCache(Path.Combine(folder, "cache"));
        var request = Request(folder, Path.Combine(folder, "out.onnx"));
        var key = PruneCache.Key(request, Inputs(folder));
        Assert.Null(cache.TryRead(key, request));

        Directory.CreateDirectory(Path.Combine(folder, "cache", key));
        File.WriteAllText(Path.Combine(folder, "cache", key, "model.onnx"), "bytes");
        File.WriteAllText(Path.Combine(folder, "cache", key, "report.json"), "{ not json");

        Assert.Null(cache.TryRead(key, request));
    }

    [Fact]
    public void ASecondRunWithTheSameInputsCopiesTheStoredResultToItsOwnPaths()
    {
        var folder = Folder();
        var (trainImages, trainLabels) = FashionSubset.Write(folder, "train", 256);
        var (testImages, testLabels) = FashionSubset.Write(folder, "t10k", 200);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, $$"""
            { "version": 1,
              "data": { "train": { "images": "{{Path.GetFileName(trainImages)}}", "labels": "{{Path.GetFileName(trainLabels)}}" },
                        "validation": { "images": "{{Path.GetFileName(testImages)}}", "labels": "{{Path.GetFileName(testLabels)}}" } },
              "method": { "name": "l1" }, "target": { "ratio": 0.5 },
              "fineTune": { "epochs": 0 }, "gate": { "maxDrop": 1.0 }, "seed": 3 }
            """);
        var cache = Path.Combine(folder, "cache dir");
        var debug = Path.Combine(folder, "Debug", "model.onnx");
        var release = Path.Combine(folder, "Release", "model.onnx");
        string[] Args(string output) => new[] { "prune", TestModels.Path("lenet5.onnx"), "--policy", policy, "--out", output, "--no-latency",
            "--threads", "1", "--cache-dir", cache, "--dependency-file", output + ".deps" };

        var first = CliRun.Invoke(Args(debug));
        var second = CliRun.Invoke(Args(release));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("from the cache", first.Out);
        Assert.Contains("from the cache", second.Out);
        Assert.DoesNotContain("[fine-tune]", second.Error);
        Assert.Equal(File.ReadAllBytes(debug), File.ReadAllBytes(release));
        using var report = JsonDocument.Parse(File.ReadAllText(release + ".report.json"));
        Assert.Equal(release, report.RootElement.GetProperty("output").GetString()); // this copy's path, not the first run's
        Assert.Contains(release, File.ReadAllText(release + ".report.md"));
        var html = File.ReadAllText(release + ".report.html");
        Assert.Contains(release, html);
        Assert.DoesNotContain(debug, html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Equal(File.ReadAllLines(debug + ".deps"), File.ReadAllLines(release + ".deps"));
        Assert.Contains($"Report: {release}.report.html", second.Out);
    }
}
