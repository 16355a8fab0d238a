using InfoPrune.Core.Policy.Reading;

using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// The neuron information measures (neuron-importance paper). JSON method names: "entropy",
/// "mutual-information", "kl-selectivity", "js-separation", "labeled-mi".
/// </summary>
public enum InformationMeasure
{
    /// <summary>H(T): how much a unit's output varies.</summary>
    Entropy,
    /// <summary>I(T;Y): how much it tells about the label.</summary>
    MutualInformation,
    /// <summary>max_y D(P_T|Y=y ‖ P_T): how selective it is for some class.</summary>
    KlSelectivity,
    /// <summary>max_A I(T; 1[Y ∈ A]): the best class subset it separates (few classes only).</summary>
    JsSeparation,
    /// <summary>max_c I(T; 1[Y = c]): the one class it identifies best.</summary>
    LabeledMi,
}

/// <summary>Parameters of the single-measure methods: which measure, and the shared <see cref="MeasureSettings"/>.</summary>
public sealed record InformationMeasureParameters(InformationMeasure Measure, MeasureSettings Settings) : MethodParameters
{
    internal static readonly NamedChoices<InformationMeasure> MeasureNames = new(
        ("entropy", InformationMeasure.Entropy),
        ("mutual-information", InformationMeasure.MutualInformation),
        ("kl-selectivity", InformationMeasure.KlSelectivity),
        ("js-separation", InformationMeasure.JsSeparation),
        ("labeled-mi", InformationMeasure.LabeledMi));

    internal static MethodParameters Parse(PolicyObjectReader reader, InformationMeasure measure)
    {
        var settings = MeasureSettings.Read(reader);
        reader.Finish();
        return new InformationMeasureParameters(measure, settings);
    }
}
