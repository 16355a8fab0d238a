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
    /// A policy's default of <c>"magnitude"</c>: <see cref="MagnitudeBlend.Auto"/>, settled by <see cref="ForFineTuning"/>.
    /// After 2 epochs of fine-tuning "rank" was better than information alone on lenet5 and mlp in 4 of 6 cases
    /// (by 0.25–0.52 points) and level in 2; right after surgery it was mixed (11 points worse once), so
    /// without fine-tuning the paper's ranking stays (bench/information, section 8).
    /// </summary>
    public const MagnitudeBlend DefaultMagnitude = MagnitudeBlend.Auto;

    /// <summary>
    /// How the size of a unit's weights enters its score within the layer (<see cref="MagnitudeBlend"/>).
    /// In code the default is <see cref="MagnitudeBlend.None"/>, the paper's information-only ranking: a method
    /// built directly knows nothing of fine-tuning. <see cref="MagnitudeBlend.Auto"/> must be settled with
    /// <see cref="ForFineTuning"/> before a method is built from these settings.
    /// </summary>
    public MagnitudeBlend Magnitude { get; init; } = MagnitudeBlend.None;

    /// <summary>
    /// These settings with <see cref="MagnitudeBlend.Auto"/> settled: <see cref="MagnitudeBlend.Rank"/> when
    /// <paramref name="fineTunes"/> (fine-tuning keeps training the kept units from their weights, and "rank" kept
    /// the better-connected ones), <see cref="MagnitudeBlend.None"/> when not, and always with
    /// <see cref="CrossLayer"/> (a rank is a position within a layer). Any other value is returned as given.
    /// </summary>
    public MeasureSettings ForFineTuning(bool fineTunes) => Magnitude != MagnitudeBlend.Auto ? this
        : this with { Magnitude = fineTunes && !CrossLayer ? MagnitudeBlend.Rank : MagnitudeBlend.None };

    /// <summary>JSON names of <c>"magnitude"</c> for the information measures: the blends, and "auto".</summary>
    internal static readonly NamedChoices<MagnitudeBlend> MagnitudeNames = MagnitudeWeighting.Names.With("auto", MagnitudeBlend.Auto);

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
        // "auto" is settled once the policy's fine-tuning is read (ForFineTuning); with crossLayer it settles to information alone.
        settings = settings with { Magnitude = reader.Choice("magnitude", DefaultMagnitude, MagnitudeNames) };
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
