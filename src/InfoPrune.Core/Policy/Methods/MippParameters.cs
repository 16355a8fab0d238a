using System.Collections.Immutable;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Policy;

/// <summary>
/// Parameters of <c>mipp</c> (mutual-information preserving pruning, output layer to input):
/// a unit goes when a predictor of the next layer recovers its loss without it.
/// </summary>
public sealed record MippParameters : MethodParameters
{
    /// <summary>Confidence α in (0, 1) of the "loss recovered" test; higher prunes more. Default 0.95.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Hidden layer widths of the predictor MLP. Default [256, 256], as in the paper.</summary>
    public ImmutableArray<int> Hidden { get; init; } = ImmutableArray.Create(256, 256);

    /// <summary>Loss estimates per decision (≥ 2, to have a spread to judge). Default 5.</summary>
    public int Repeats { get; init; } = 5;

    // ImmutableArray compares by reference; parameters compare by content.
    public bool Equals(MippParameters? other) =>
        other is not null && Confidence == other.Confidence && Hidden.SequenceEqual(other.Hidden) && Repeats == other.Repeats;

    public override int GetHashCode() => HashCode.Combine(Confidence, Hidden.Length, Repeats);

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var parameters = new MippParameters
        {
            Confidence = reader.Number("confidence", 0.95, NumberRule.OpenFraction),
            Hidden = reader.IntegerArray("hidden", 1, 65536, 1, 16) ?? ImmutableArray.Create(256, 256),
            Repeats = reader.Integer("repeats", 5, 2, 1000),
        };
        reader.Finish();
        return parameters;
    }
}
