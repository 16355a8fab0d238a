using InfoPrune.Core.Latency;

namespace InfoPrune.Core.Reporting;

/// <summary>Everything a prune run measured and decided; serialized as the JSON report and summarized in markdown.</summary>
public sealed record PruneReport
{
    public required string ToolVersion { get; init; }
    public required string Model { get; init; }
    public required string Policy { get; init; }
    public string? Output { get; init; }
    public required string Method { get; init; }
    public required string Target { get; init; }
    public int Seed { get; init; }
    public required IReadOnlyList<GroupReport> Groups { get; init; }
    public required Totals Before { get; init; }
    public Totals? After { get; init; }
    public GateReport? Gate { get; init; }
    public double? ParityMaxAbsDifference { get; init; }
    /// <summary>ONNX Runtime latency of the original and the pruned model; null when timing was switched off.</summary>
    public LatencyReport? Latency { get; init; }
    public FineTuneReport? FineTune { get; init; }
    /// <summary>The method's own training before its plan (e.g. information-bottleneck gates); null when it trains nothing.</summary>
    public FineTuneReport? MethodTraining { get; init; }
    /// <summary>The per-channel scores the method cut on and where it cut (e.g. each gate's log(1 + μ²/σ²)); null when the method shows none.</summary>
    public ChannelScoreReport? ChannelScores { get; init; }
    public IReadOnlyList<StepTime> Steps { get; init; } = Array.Empty<StepTime>();
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    /// <summary>The layers that trained with a re-inserted BatchNorm (folded back into their weights in the output).</summary>
    public IReadOnlyList<string> BatchNormLayers { get; init; } = Array.Empty<string>();
    /// <summary>Pruning steps the target was reached in (1: one-shot).</summary>
    public int PruningSteps { get; init; } = 1;
    /// <summary>What the method reported of its last plan (<see cref="Methods.IPruningMethod.Details"/>), or null.</summary>
    public object? MethodDetails { get; init; }
    /// <summary>"pruned", "gate-failed" or "failed".</summary>
    public required string Outcome { get; init; }
}

/// <summary>One channel group: its size before and after, and why. <c>FastWidths</c>, for
/// <c>"roundTo": "auto"</c>, lists the widths measured fast for the group, which its count was
/// rounded up to (null when not measured).</summary>
public sealed record GroupReport(int Id, string Name, IReadOnlyList<string> Producers, int ChannelsBefore, int ChannelsAfter, bool Prunable, string Why,
    IReadOnlyList<int>? FastWidths = null);

public sealed record Totals(long Parameters, long Macs, long FileBytes, double? Accuracy);

/// <summary>The gate's verdict and limits; <c>MaxLatencyRatio</c> is the policy's gate.maxLatencyRatio when latency is gated.</summary>
public sealed record GateReport(bool Passed, double AccuracyBefore, double AccuracyAfter, double? MinAccuracy, double MaxDrop, IReadOnlyList<string> Failures,
    double? MaxLatencyRatio = null);

/// <summary>
/// ONNX Runtime latency, original against pruned, timed in the same process on the building
/// machine with the application's settings (policy <c>latency</c> section).
/// </summary>
/// <param name="BatchSize">The application's batch size (policy latency.batchSize); targets and the gate use it.</param>
/// <param name="Threads">ONNX Runtime intra-op threads (0 = ONNX Runtime's default).</param>
/// <param name="Machine">The processor and ONNX Runtime version measured on.</param>
/// <param name="Batches">Per batch size timed (1 and <paramref name="BatchSize"/>): medians, quartiles and the per-round ratio.</param>
/// <param name="Layers">Each layer's kernel time and share, at <paramref name="BatchSize"/>.</param>
/// <param name="Widths">How the width table of <c>"roundTo": "auto"</c> was obtained; null when not used.</param>
/// <param name="Search">How a <c>target.latency</c> plan was found; null for other targets.</param>
public sealed record LatencyReport(int BatchSize, int Threads, string Machine, IReadOnlyList<BatchLatency> Batches, IReadOnlyList<LayerLatency> Layers,
    WidthTableReport? Widths, LatencySearchReport? Search);

/// <summary>The width table's cost: probes timed now, probes reused from the cache, seconds spent.</summary>
public sealed record WidthTableReport(int GroupsMeasured, int ProbesMeasured, int ProbesReused, double Seconds, string? CacheFile);

/// <summary>The candidate plans a latency target tried: the MACs fraction kept and the latency ratio measured for each.</summary>
public sealed record LatencySearchReport(double Target, IReadOnlyList<LatencySearchStep> Steps, double ChosenMacsFraction);

public sealed record LatencySearchStep(double MacsFraction, double LatencyRatio);

/// <summary>The per-channel scores a method cut on, by group, and the cut it drew.</summary>
/// <param name="Measure">What a score is, e.g. "log(1 + μ²/σ²)".</param>
/// <param name="Threshold">Channels scoring below it were removed (constraints may keep some below it); null when the cut is not one threshold.</param>
/// <param name="ThresholdRule">How the threshold was chosen, e.g. "set to meet macs 0.08".</param>
/// <param name="Groups">Every scored group, in graph order.</param>
public sealed record ChannelScoreReport(string Measure, double? Threshold, string ThresholdRule, IReadOnlyList<GroupScores> Groups);

/// <summary>One group's scores (one per channel) and how many channels it kept.</summary>
/// <param name="GroupId">The group's id in the analysis the plan was made on.</param>
/// <param name="Name">The group's name.</param>
/// <param name="Scores">One score per channel, in channel order.</param>
/// <param name="Kept">Channels the plan kept.</param>
/// <param name="Weight">How many layers' channels one channel of the group ties together (its weight in a penalty), 1 when not applicable.</param>
public sealed record GroupScores(int GroupId, string Name, IReadOnlyList<double> Scores, int Kept, int Weight);

public sealed record FineTuneReport(int Epochs, int Steps, double Seconds, double ImagesPerSecond, IReadOnlyList<double> EpochLoss);

public sealed record StepTime(string Step, double Seconds);
