using System.Globalization;

namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// The allowed interval of a number and how to say it in a message ("a number > 0"). Bounds are
/// inclusive unless marked exclusive; non-finite values are never allowed.
/// </summary>
internal readonly record struct NumberRule(
    double Min, double Max, bool MinExclusive = false, bool MaxExclusive = false, string? Hint = null)
{
    public static readonly NumberRule Positive = new(0, double.MaxValue, MinExclusive: true);
    public static readonly NumberRule NonNegative = new(0, double.MaxValue);
    public static readonly NumberRule Any = new(double.MinValue, double.MaxValue);
    /// <summary>A fraction in [0, 1].</summary>
    public static readonly NumberRule Fraction = new(0, 1);
    /// <summary>A fraction in (0, 1]: something must remain.</summary>
    public static readonly NumberRule PositiveFraction = new(0, 1, MinExclusive: true);
    /// <summary>An open interval (0, 1), for probabilities that must not be certain.</summary>
    public static readonly NumberRule OpenFraction = new(0, 1, MinExclusive: true, MaxExclusive: true);

    public bool Allows(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>"a number > 0", "a number between 0 and 1", "a number ≥ 0 and &lt; 1".</summary>
    public string Describe(string noun = "a number")
    {
        var hasMin = Min > double.MinValue;
        var hasMax = Max < double.MaxValue;
        var lower = (MinExclusive ? "> " : "≥ ") + Format(Min);
        var upper = (MaxExclusive ? "< " : "≤ ") + Format(Max);
        if (hasMin && hasMax)
            return !MinExclusive && !MaxExclusive
                ? $"{noun} between {Format(Min)} and {Format(Max)}"
                : $"{noun} {lower} and {upper}";
        if (hasMin) return $"{noun} {lower}";
        if (hasMax) return $"{noun} {upper}";
        return noun;
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
