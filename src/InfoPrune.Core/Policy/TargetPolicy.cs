namespace InfoPrune.Core.Policy;

/// <summary>What the target fraction counts. JSON keys: "ratio", "macs", "params".</summary>
public enum TargetKind
{
    /// <summary>Keep this fraction of the channels of every channel group (uniform).</summary>
    Ratio,
    /// <summary>Keep this fraction of the model's multiply-accumulates; per-group ratios follow from the method.</summary>
    Macs,
    /// <summary>Keep this fraction of the model's parameters.</summary>
    Params,
    /// <summary>
    /// Keep this fraction of the model's ONNX Runtime latency, measured on this machine at the
    /// policy's latency batch size; the plan is searched by measuring candidate models.
    /// </summary>
    Latency,
}

/// <summary>
/// The <c>target</c> section: exactly one of <c>ratio</c>, <c>macs</c>, <c>params</c>,
/// <c>latency</c>, each a fraction to <em>keep</em> in (0, 1]; 1 keeps everything.
/// </summary>
public sealed record TargetPolicy(TargetKind Kind, double Fraction);
