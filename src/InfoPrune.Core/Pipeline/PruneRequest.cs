using InfoPrune.Core.IO;

namespace InfoPrune.Core.Pipeline;

/// <summary>One prune run: the model, the policy, where results go, and overrides from the command line or MSBuild.</summary>
public sealed record PruneRequest(string ModelPath, string PolicyPath)
{
    /// <summary>Where the pruned model is written; default: beside the input, as NAME.pruned.onnx.</summary>
    public string? OutputPath { get; init; }
    /// <summary>Where the JSON report is written (a markdown summary goes beside it); default: OUTPUT.report.json.</summary>
    public string? ReportPath { get; init; }
    /// <summary>Replaces the policy's gate.minAccuracy (MSBuild's MinAccuracy metadata).</summary>
    public double? MinAccuracyOverride { get; init; }
    /// <summary>Threads for TorchSharp and ONNX Runtime; 0 = all cores.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// When set, the files the run read (model, policy, data) are listed here, one per line, so a
    /// build can re-run pruning when any of them changes.
    /// </summary>
    public string? DependencyFile { get; init; }
    /// <summary>
    /// Skips every ONNX Runtime timing (tests, quick runs): the report's latency, and the measured
    /// widths of <c>"roundTo": "auto"</c> (counts are then not rounded). A policy with
    /// target.latency or gate.maxLatencyRatio is refused without it.
    /// </summary>
    public bool MeasureLatency { get; init; } = true;
    /// <summary>Where measured channel widths are cached between runs; null: the user's cache folder (<c>INFOPRUNE_CACHE_DIR</c> overrides it).</summary>
    public string? CacheFolder { get; init; }

    // Resolved the way the operating system resolves them (links first, then ".."), so the file
    // written is the file the user named: lexically, "link/../x" would land somewhere else.
    public string ResolvedOutputPath => PathIdentity.Canonical(OutputPath ?? Path.Combine(
        Path.GetDirectoryName(Path.GetFullPath(ModelPath))!, Path.GetFileNameWithoutExtension(ModelPath) + ".pruned.onnx"));

    public string ResolvedReportPath => PathIdentity.Canonical(ReportPath ?? ResolvedOutputPath + ".report.json");
}

/// <summary>Progress of a prune run, for a live display or plain log lines.</summary>
public readonly record struct PipelineProgress(string Step, string Message, double? Fraction = null);
