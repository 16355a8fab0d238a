using System.Collections.Immutable;
using InfoPrune.Core.Policy.Reading;

using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// Parameters of <c>hybrid</c>: one measure for the shallow layers and another for the deep ones,
/// as the neuron-importance paper found mutual information best early and KL selectivity late.
/// </summary>
public sealed record HybridParameters : MethodParameters
{
    public MeasureSettings Settings { get; init; } = MeasureSettings.Default;

    /// <summary>Measure for the shallow layers. Default mutual information.</summary>
    public InformationMeasure Shallow { get; init; } = InformationMeasure.MutualInformation;

    /// <summary>Measure for the deep layers. Default KL selectivity.</summary>
    public InformationMeasure Deep { get; init; } = InformationMeasure.KlSelectivity;

    /// <summary>
    /// Relative sizes of the shallow and deep parts of the network, in layer order. Default [1, 2]:
    /// the first third of the prunable layers is shallow.
    /// </summary>
    public ImmutableArray<double> Split { get; init; } = ImmutableArray.Create(1.0, 2.0);

    // ImmutableArray compares by reference; parameters compare by content.
    public bool Equals(HybridParameters? other) =>
        other is not null && Settings == other.Settings && Shallow == other.Shallow && Deep == other.Deep
        && Split.SequenceEqual(other.Split);

    public override int GetHashCode() => HashCode.Combine(Settings, Shallow, Deep, Split.Length);

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var parameters = new HybridParameters
        {
            Settings = MeasureSettings.Read(reader),
            Shallow = reader.Choice("shallow", InformationMeasure.MutualInformation, InformationMeasureParameters.MeasureNames),
            Deep = reader.Choice("deep", InformationMeasure.KlSelectivity, InformationMeasureParameters.MeasureNames),
            Split = reader.NumberArray("split", NumberRule.Positive, 2, 2) ?? ImmutableArray.Create(1.0, 2.0),
        };
        reader.Finish();
        return parameters;
    }
}
