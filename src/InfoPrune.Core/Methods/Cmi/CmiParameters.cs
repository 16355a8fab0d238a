using InfoPrune.Core.Policy;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>What a layer's channels are conditioned on (the CMI paper, Section 3.3).</summary>
public enum CmiConditioning
{
    /// <summary>The chosen channels of the neighbouring layer visited just before (the paper's compact CMI, eq. 8).</summary>
    Compact,
    /// <summary>The chosen channels of every layer visited before on the way to this one (the paper's full CMI, eq. 6).</summary>
    Full,
}

/// <summary>How a layer's cumulative CMI curve is cut (the CMI paper, Section 4).</summary>
public enum CmiCutoff
{
    /// <summary>The knee of the cumulative curve (Scree test).</summary>
    Scree,
    /// <summary>X-means clustering of the per-channel increments; the lowest cluster goes.</summary>
    XMeans,
}

/// <summary>The order layers are visited in (the CMI paper, Section 5.2).</summary>
public enum CmiLayerOrder
{
    /// <summary>Input to output.</summary>
    Forward,
    /// <summary>From the layer whose unconditioned cutoff prunes most, outward in both directions.</summary>
    Bidirectional,
}

/// <summary>
/// Parameters of <c>"method": { "name": "cmi", … }</c>. Defaults are the paper's best setting:
/// compact CMI, Scree cutoff, bidirectional order, α = 2.
/// </summary>
public sealed record CmiParameters : MethodParameters
{
    /// <summary>Default sample count N: Gram matrices are N×N per channel.</summary>
    public const int DefaultSamples = 256;

    /// <summary>Largest N accepted: a 64-channel layer then holds 64·N² doubles (128 MB at 512).</summary>
    public const int MaxSamples = 1024;

    /// <summary>N, the calibration samples the Gram matrices are built on (the first N of the calibration pass).</summary>
    public int Samples { get; init; } = DefaultSamples;

    /// <summary>The Rényi order α; 2 (the default) needs no eigendecomposition.</summary>
    public double Alpha { get; init; } = 2;

    /// <summary>The RBF width σ set by hand, in the activations' units; null: Silverman's rule per layer.</summary>
    public double? KernelWidth { get; init; }

    public CmiConditioning Conditioning { get; init; } = CmiConditioning.Compact;
    public CmiCutoff Cutoff { get; init; } = CmiCutoff.Scree;
    public CmiLayerOrder Order { get; init; } = CmiLayerOrder.Bidirectional;

    /// <summary>
    /// Which channels a layer keeps once its count is set: the first in CMI order (<see cref="MagnitudeBlend.None"/>,
    /// the paper's), or the best by the mean of their CMI-order rank and weight-magnitude rank
    /// (<see cref="MagnitudeBlend.Rank"/>), or by weight-magnitude quartile first and CMI order within
    /// one (<see cref="MagnitudeBlend.Band"/>). CMI gives an order, not a score per channel, so "product" does not apply.
    /// </summary>
    public MagnitudeBlend Magnitude { get; init; } = MagnitudeBlend.None;

    internal static readonly NamedChoices<CmiConditioning> ConditioningNames = new(("compact", CmiConditioning.Compact), ("full", CmiConditioning.Full));
    internal static readonly NamedChoices<CmiCutoff> CutoffNames = new(("scree", CmiCutoff.Scree), ("xmeans", CmiCutoff.XMeans));
    internal static readonly NamedChoices<CmiLayerOrder> OrderNames = new(("forward", CmiLayerOrder.Forward), ("bidirectional", CmiLayerOrder.Bidirectional));

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var parameters = new CmiParameters
        {
            Samples = reader.Integer("samples", DefaultSamples, 8, MaxSamples),
            Alpha = reader.Number("alpha", 2, NumberRule.Positive),
            KernelWidth = ReadKernelWidth(reader),
            Conditioning = reader.Choice("conditioning", CmiConditioning.Compact, ConditioningNames),
            Cutoff = reader.Choice("cutoff", CmiCutoff.Scree, CutoffNames),
            Order = reader.Choice("order", CmiLayerOrder.Bidirectional, OrderNames),
            Magnitude = reader.Choice("magnitude", MagnitudeBlend.None, MagnitudeWeighting.Names),
        };
        if (parameters.Magnitude == MagnitudeBlend.Product && reader.Property("magnitude") is { } magnitude)
            reader.Error(CmiCodes.MagnitudeProductWithoutScores, magnitude.Value,
                $"{reader.PathOf("magnitude")}: cmi orders a layer's channels greedily and has no score per channel to multiply " +
                "by its weight size; use \"rank\" or \"band\" (which combine the CMI order with the weight order) or \"none\"");
        reader.Finish();
        return parameters;
    }

    /// <summary><c>kernelWidth</c>: <c>"silverman"</c> (null, the default) or σ &gt; 0.</summary>
    private static double? ReadKernelWidth(PolicyObjectReader reader) =>
        reader.NumberUnlessWord("kernelWidth", "silverman", "\"silverman\" or a number > 0 (the RBF width σ in the activations' units)") is { } number
            ? reader.Values.Number(number, reader.PathOf("kernelWidth"), NumberRule.Positive)
            : null;
}
