using InfoPrune.Core.Policy.Reading;

using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>How a convolution's feature map becomes one number per channel and sample. JSON: "mean", "l1", "l2", "max".</summary>
public enum ChannelCollapse { Mean, L1, L2, Max }

/// <summary>
/// Whether a removed channel's mean output is folded into the consumer's bias. JSON: "none",
/// "mean", "auto". Auto compensates after saturating activations (sigmoid, tanh), where the
/// mean carries signal, and not after ReLU, where the paper found it hurts.
/// </summary>
public enum Compensation { None, Mean, Auto }

/// <summary>
/// The settings the neuron information measures share (the single measures and the hybrid):
/// <c>quantizer</c>, <c>collapse</c>, <c>compensation</c>, <c>crossLayer</c>.
/// </summary>
public sealed record MeasureSettings
{
    public static readonly MeasureSettings Default = new();

    internal static readonly NamedChoices<ChannelCollapse> CollapseNames = new(
        ("mean", ChannelCollapse.Mean), ("l1", ChannelCollapse.L1), ("l2", ChannelCollapse.L2), ("max", ChannelCollapse.Max));

    internal static readonly NamedChoices<Compensation> CompensationNames = new(
        ("none", Compensation.None), ("mean", Compensation.Mean), ("auto", Compensation.Auto));

    public QuantizerPolicy Quantizer { get; init; } = QuantizerPolicy.OneBit;

    /// <summary>Default mean: the average response is what the one-bit threshold is defined on.</summary>
    public ChannelCollapse Collapse { get; init; } = ChannelCollapse.Mean;

    public Compensation Compensation { get; init; } = Compensation.Auto;

    /// <summary>
    /// Rank channels across layers instead of within each layer. Default false: the paper's scores
    /// are not comparable between layers, so ranking across them prunes whole layers unevenly.
    /// </summary>
    public bool CrossLayer { get; init; }

    /// <summary>
    /// The default of <see cref="Magnitude"/>: information alone, the paper's ranking. After 2 epochs of
    /// fine-tuning "rank" was better on lenet5 and mlp in 4 of 6 cases and level in 2 (bench/information),
    /// but it does not beat l1 everywhere, and without fine-tuning it changes the paper's figures.
    /// </summary>
    public const MagnitudeBlend DefaultMagnitude = MagnitudeBlend.None;

    /// <summary>
    /// How the size of a unit's weights enters its score within the layer (<see cref="MagnitudeBlend"/>).
    /// <see cref="MagnitudeBlend.None"/> is the paper's information-only ranking.
    /// </summary>
    public MagnitudeBlend Magnitude { get; init; } = DefaultMagnitude;

    /// <summary>Reads the shared keys from a method object; the caller reads its own keys and finishes.</summary>
    internal static MeasureSettings Read(PolicyObjectReader reader)
    {
        var quantizerReader = reader.Object("quantizer", required: false, "an object such as { \"bits\": 1 } or { \"bins\": 8 }");
        var settings = new MeasureSettings
        {
            Quantizer = quantizerReader is null ? QuantizerPolicy.OneBit : QuantizerPolicy.Parse(quantizerReader),
            Collapse = reader.Choice("collapse", ChannelCollapse.Mean, CollapseNames),
            Compensation = reader.Choice("compensation", Compensation.Auto, CompensationNames),
            CrossLayer = reader.Boolean("crossLayer", false),
        };
        // Cross-layer ranking cannot use a within-layer blend, so there the default is information alone whatever DefaultMagnitude says.
        settings = settings with { Magnitude = reader.Choice("magnitude", settings.CrossLayer ? MagnitudeBlend.None : DefaultMagnitude, MagnitudeWeighting.Names) };
        // Ranks and quartile bands are positions within a layer: across layers they compare nothing.
        if (settings.CrossLayer && settings.Magnitude is MagnitudeBlend.Rank or MagnitudeBlend.Band && reader.Property("magnitude") is { } magnitude)
        {
            reader.Error(InformationMethodCodes.MagnitudeWithinLayerOnly, magnitude.Value,
                $"{reader.PathOf("magnitude")}: \"{MagnitudeWeighting.Names.NameOf(settings.Magnitude)}\" ranks units within their layer and cannot be " +
                "combined with \"crossLayer\": true; use \"product\" or \"none\", or rank within layers");
            settings = settings with { Magnitude = MagnitudeBlend.None }; // the policy is rejected; the settings stay runnable
        }
        return settings;
    }
}
