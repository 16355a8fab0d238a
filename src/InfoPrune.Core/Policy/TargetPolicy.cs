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
    /// <summary>
    /// <c>"target": "auto"</c>: no budget; a method that decides each layer's ratio itself (MIPP's
    /// reconstruction test, CMI's cutoff, the gates' threshold) keeps what it finds necessary.
    /// Only such methods accept it; <see cref="TargetPolicy.Fraction"/> is 1.
    /// </summary>
    Auto,
}

/// <summary>
/// The <c>target</c> section: exactly one of <c>ratio</c>, <c>macs</c>, <c>params</c>,
/// <c>latency</c>, each a fraction to <em>keep</em> in (0, 1]; 1 keeps everything. Or the
/// string <c>"auto"</c> (<see cref="TargetKind.Auto"/>) for a method that decides its own ratios.
/// </summary>
public sealed record TargetPolicy(TargetKind Kind, double Fraction)
{
    /// <summary>The method decides each layer's ratio.</summary>
    public static TargetPolicy Auto { get; } = new(TargetKind.Auto, 1);

    /// <summary>How the report and messages name the target: "macs 0.5", or "auto".</summary>
    public override string ToString() => Kind == TargetKind.Auto ? "auto"
        : $"{Kind.ToString().ToLowerInvariant()} {Fraction.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
}
