namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>gate</c> section: the pruned model ships only when its validation accuracy passes both
/// checks (and its latency, when <see cref="MaxLatencyRatio"/> is set). Accuracies are fractions
/// in [0, 1] (0.88 means 88%).
/// </summary>
public sealed record GatePolicy
{
    public static readonly GatePolicy Default = new();

    /// <summary>Lowest acceptable accuracy of the pruned model; null means no floor.</summary>
    public double? MinAccuracy { get; init; }

    /// <summary>
    /// Largest acceptable drop from the original model's accuracy, measured in the same run, as
    /// a fraction (0.02 = two points). Default 0.01, so a policy without a gate still refuses a
    /// model that got visibly worse.
    /// </summary>
    public double MaxDrop { get; init; } = 0.01;

    /// <summary>
    /// Largest acceptable pruned/original latency ratio (median ONNX Runtime time at the policy's
    /// latency batch size, both measured in the same run); null means latency is not gated.
    /// </summary>
    public double? MaxLatencyRatio { get; init; }
}
