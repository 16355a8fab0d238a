namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>latency</c> section: how ONNX Runtime is timed — as the application that will run the
/// model runs it. These settings drive the report's latency, the measured widths of
/// <c>"roundTo": "auto"</c>, <c>target.latency</c> and <c>gate.maxLatencyRatio</c>.
/// </summary>
public sealed record LatencyPolicy
{
    public static readonly LatencyPolicy Default = new();

    /// <summary>
    /// The application's batch size. Latency is timed at batch 1 and at this size; targets and the
    /// gate use this one. Default 64.
    /// </summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// ONNX Runtime intra-op threads of the application; 0 is ONNX Runtime's default (one per core).
    /// Null (the default) uses the run's own thread count (<c>--threads</c>).
    /// </summary>
    public int? Threads { get; init; }
}
