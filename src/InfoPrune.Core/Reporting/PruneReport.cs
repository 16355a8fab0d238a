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
    public FineTuneReport? FineTune { get; init; }
    public IReadOnlyList<StepTime> Steps { get; init; } = Array.Empty<StepTime>();
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    /// <summary>The layers that trained with a re-inserted BatchNorm (folded back into their weights in the output).</summary>
    public IReadOnlyList<string> BatchNormLayers { get; init; } = Array.Empty<string>();
    /// <summary>Pruning steps the target was reached in (1: one-shot).</summary>
    public int PruningSteps { get; init; } = 1;
    /// <summary>"pruned", "gate-failed" or "failed".</summary>
    public required string Outcome { get; init; }
}

public sealed record GroupReport(int Id, string Name, IReadOnlyList<string> Producers, int ChannelsBefore, int ChannelsAfter, bool Prunable, string Why);

public sealed record Totals(long Parameters, long Macs, long FileBytes, double? Accuracy, double? LatencyBatch1Ms, double? LatencyBatch64Ms);

public sealed record GateReport(bool Passed, double AccuracyBefore, double AccuracyAfter, double? MinAccuracy, double MaxDrop, IReadOnlyList<string> Failures);

public sealed record FineTuneReport(int Epochs, int Steps, double Seconds, double ImagesPerSecond, IReadOnlyList<double> EpochLoss);

public sealed record StepTime(string Step, double Seconds);
