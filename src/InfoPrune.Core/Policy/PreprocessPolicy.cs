using System.Collections.Immutable;

namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>data.preprocess</c> section: <c>x' = (x · Scale − Mean[c]) / Std[c]</c> per channel c.
/// A one-element <see cref="Mean"/> or <see cref="Std"/> applies to every channel.
/// </summary>
public sealed record PreprocessPolicy
{
    public static readonly PreprocessPolicy Default = new();

    /// <summary>Multiplies raw values first. Default (null): 1/255 for uint8 data, 1 for float data.</summary>
    public double? Scale { get; init; }

    /// <summary>Subtracted per channel after scaling. Default [0].</summary>
    public ImmutableArray<double> Mean { get; init; } = ImmutableArray.Create(0.0);

    /// <summary>Divides per channel after subtracting the mean; every entry &gt; 0. Default [1].</summary>
    public ImmutableArray<double> Std { get; init; } = ImmutableArray.Create(1.0);

    /// <summary>
    /// Where <c>data.preprocess</c> is in the policy file (0 when absent): problems that show only
    /// once the data is open (a mean per channel the images do not have) point here, not at the data.
    /// </summary>
    public int Line { get; init; }
    public int Column { get; init; }

    // ImmutableArray compares by reference; a policy compares by content.
    public bool Equals(PreprocessPolicy? other) =>
        other is not null && Scale == other.Scale && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(Scale, Mean.Length, Std.Length);
}
