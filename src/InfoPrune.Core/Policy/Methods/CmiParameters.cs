using InfoPrune.Core.Policy.Json;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Policy;

/// <summary>In which layer order CMI selects channels. JSON: "forward", "bidirectional".</summary>
public enum CmiOrder
{
    /// <summary>Input to output.</summary>
    Forward,
    /// <summary>Start at the layer that prunes most and work outwards in both directions.</summary>
    Bidirectional,
}

/// <summary>What a layer's selection is conditioned on. JSON: "compact", "full".</summary>
public enum CmiConditioning
{
    /// <summary>The previous layer's chosen channels only (cheap).</summary>
    Compact,
    /// <summary>The chosen channels of all earlier layers.</summary>
    Full,
}

/// <summary>How the number of channels to keep is read off the cumulative information curve. JSON: "scree", "xmeans".</summary>
public enum CmiCutoff
{
    /// <summary>The knee of the curve.</summary>
    Scree,
    /// <summary>X-means clustering of the gains into "keep" and "drop".</summary>
    XMeans,
}

/// <summary>
/// Parameters of <c>cmi</c> (CMI filter pruning: matrix-based Rényi α-entropy on Gram matrices,
/// greedy conditional-MI ordering).
/// </summary>
public sealed record CmiParameters : MethodParameters
{
    internal static readonly NamedChoices<CmiOrder> OrderNames = new(("forward", CmiOrder.Forward), ("bidirectional", CmiOrder.Bidirectional));
    internal static readonly NamedChoices<CmiConditioning> ConditioningNames = new(("compact", CmiConditioning.Compact), ("full", CmiConditioning.Full));
    internal static readonly NamedChoices<CmiCutoff> CutoffNames = new(("scree", CmiCutoff.Scree), ("xmeans", CmiCutoff.XMeans));

    /// <summary>Rényi order α &gt; 0, α ≠ 1. Default 2, where the entropy needs no eigendecomposition.</summary>
    public double Alpha { get; init; } = 2.0;

    /// <summary>RBF kernel width σ &gt; 0, or null for Silverman's rule (JSON "silverman", the default).</summary>
    public double? KernelWidth { get; init; }

    public CmiOrder Order { get; init; } = CmiOrder.Forward;
    public CmiConditioning Conditioning { get; init; } = CmiConditioning.Compact;
    public CmiCutoff Cutoff { get; init; } = CmiCutoff.Scree;

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var alpha = reader.OptionalNumber("alpha", NumberRule.Positive);
        if (alpha == 1.0)
        {
            // At α = 1 the Rényi formula divides by zero; that limit is Shannon entropy, another estimator.
            reader.Error(PolicyErrors.OutOfRange, reader.Property("alpha")!.Value,
                $"{reader.PathOf("alpha")}: expected a number > 0 other than 1 (the Rényi entropy is undefined at α = 1), found 1");
            alpha = null;
        }

        var parameters = new CmiParameters
        {
            Alpha = alpha ?? 2.0,
            KernelWidth = ReadKernelWidth(reader),
            Order = reader.Choice("order", CmiOrder.Forward, OrderNames),
            Conditioning = reader.Choice("conditioning", CmiConditioning.Compact, ConditioningNames),
            Cutoff = reader.Choice("cutoff", CmiCutoff.Scree, CutoffNames),
        };
        reader.Finish();
        return parameters;
    }

    private static double? ReadKernelWidth(PolicyObjectReader reader)
    {
        const string expected = "\"silverman\" or a number > 0";
        var property = reader.Property("kernelWidth");
        switch (property?.Value)
        {
            case null:
                return null;
            case JsonScalarNode { Kind: JsonScalarKind.String, Value: "silverman" }:
                return null;
            case JsonScalarNode { Kind: JsonScalarKind.String, Value: string other } node:
                reader.Error(PolicyErrors.InvalidValue, node,
                    $"{reader.PathOf("kernelWidth")}: expected {expected}, found {node.Describe()}{KeySuggestion.Hint(other, ["silverman"])}");
                return null;
            case JsonScalarNode { Kind: JsonScalarKind.Integer or JsonScalarKind.Float } node:
                return reader.Values.Number(node, reader.PathOf("kernelWidth"), NumberRule.Positive);
            case var node:
                reader.Values.WrongType(node, reader.PathOf("kernelWidth"), expected);
                return null;
        }
    }
}
