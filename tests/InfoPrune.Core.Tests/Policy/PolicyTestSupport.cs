using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Tests.Policy;

/// <summary>A throw-away folder holding a policy and the data files it names.</summary>
internal sealed class TempPolicyFolder : IDisposable
{
    public TempPolicyFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "infoprune-policy-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Write(string relativePath, string content = "")
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Creates every data file the full example names.</summary>
    public void WriteExampleDataFiles()
    {
        foreach (var file in PolicyExamples.FullExampleDataFiles) Write(file);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

internal static class PolicyExamples
{
    /// <summary>Where test policies claim to live when parsed from text; nothing is read from there.</summary>
    public static readonly string PolicyPath = Path.Combine(Path.GetTempPath(), "infoprune-nowhere", "prune.json");

    public static readonly string[] FullExampleDataFiles =
    [
        "data/train-images-idx3-ubyte.gz", "data/train-labels-idx1-ubyte.gz",
        "data/t10k-images-idx3-ubyte.gz", "data/t10k-labels-idx1-ubyte.gz",
    ];

    /// <summary>The complete example of the <see cref="PrunePolicy"/> docs: every section, non-default values.</summary>
    public const string Full = """
        {
          "$schema": "infoprune.policy.schema.json",
          "version": 1,
          "data": {
            "format": "idx",
            "train":      { "images": "data/train-images-idx3-ubyte.gz", "labels": "data/train-labels-idx1-ubyte.gz" },
            "validation": { "images": "data/t10k-images-idx3-ubyte.gz",  "labels": "data/t10k-labels-idx1-ubyte.gz" },
            "calibration": { "from": "train", "samples": 2048 },
            "preprocess": { "scale": 0.00392156862745098, "mean": [0.1307], "std": [0.3081] }
          },
          "method": { "name": "hybrid", "quantizer": { "bins": 8, "binning": "equal-frequency" },
                      "collapse": "mean", "compensation": "auto", "shallow": "mutual-information",
                      "deep": "kl-selectivity", "split": [1, 2] },
          "target": { "macs": 0.5 },
          "constraints": { "minChannels": 2, "maxRatio": 0.9, "exclude": ["fc3", "/^stem\\./"], "roundTo": 4,
                           "allocation": "sensitivity" },
          "fineTune": { "epochs": 2, "batchSize": 128,
                        "optimizer": { "name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": true, "weightDecay": 0.0005 },
                        "schedule": { "name": "step", "stepSize": 1, "gamma": 0.1 },
                        "distill": { "weight": 0.5, "temperature": 4 } },
          "gate": { "minAccuracy": 0.88, "maxDrop": 0.02, "maxLatencyRatio": 0.7 },
          "latency": { "batchSize": 32, "threads": 1 },
          "seed": 42
        }
        """;

    /// <summary>The smallest valid policy: everything else takes its default.</summary>
    public const string Minimal = """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """;

    /// <summary><see cref="Minimal"/> with its method object replaced (text of the object, braces included).</summary>
    public static string WithMethod(string methodObject) =>
        Minimal.Replace("{\"name\": \"l1\"}", methodObject, StringComparison.Ordinal);

    public static PolicyCheckResult Check(string json, bool checkFiles = false) =>
        PolicyLoader.Check(json, PolicyPath, checkFiles);

    public static PrunePolicy ParseValid(string json)
    {
        var result = Check(json);
        Assert.True(result.IsValid, "expected a valid policy, got:\n" + string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    public static string Render(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics);
}
