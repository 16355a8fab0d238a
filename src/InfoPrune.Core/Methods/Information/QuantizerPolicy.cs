using InfoPrune.Core.Policy.Reading;

using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>How bin edges are placed for multi-level quantization. JSON: "equal-width", "equal-frequency".</summary>
public enum Binning
{
    /// <summary>Edges evenly spaced between the unit's observed minimum and maximum.</summary>
    EqualWidth,
    /// <summary>Edges at quantiles, so every bin holds about as many samples.</summary>
    EqualFrequency,
}

/// <summary>
/// How a unit's real-valued output becomes a discrete symbol for the information measures:
/// either one bit (<c>{ "bits": 1, "threshold": 0 }</c>) or <c>k</c> bins
/// (<c>{ "bins": 8, "binning": "equal-frequency" }</c>). Default: one bit.
/// </summary>
public sealed record QuantizerPolicy
{
    public static readonly QuantizerPolicy OneBit = new();

    internal static readonly NamedChoices<Binning> BinningNames = new(
        ("equal-width", Binning.EqualWidth), ("equal-frequency", Binning.EqualFrequency));

    /// <summary>Number of bins (≥ 2), or null for one-bit quantization.</summary>
    public int? Bins { get; init; }

    /// <summary>Edge placement when <see cref="Bins"/> is set. Default equal-width.</summary>
    public Binning Binning { get; init; } = Binning.EqualWidth;

    /// <summary>
    /// The one-bit cut point; null lets the method choose from the layer's activation
    /// (0 after ReLU, 0.5 after a sigmoid), as the neuron-importance paper does.
    /// </summary>
    public double? Threshold { get; init; }

    public bool IsOneBit => Bins is null;

    /// <summary>How many symbols a unit can take.</summary>
    public int Levels => Bins ?? 2;

    internal static QuantizerPolicy Parse(PolicyObjectReader reader)
    {
        var bits = reader.OptionalInteger("bits", 1);
        var bins = reader.OptionalInteger("bins", 2, 65536);
        var binning = reader.OptionalChoice("binning", BinningNames);
        var threshold = reader.OptionalNumber("threshold", NumberRule.Any);

        if (bits is > 1)
            reader.Error(PolicyErrors.OutOfRange, reader.Property("bits")!.Value,
                $"{reader.PathOf("bits")}: expected 1 (one-bit quantization at a threshold), found {bits}; use \"bins\" for more levels");
        if (reader.Property("bits") is not null && reader.Property("bins") is { } binsKey)
            Conflict(reader, binsKey, "\"bits\" and \"bins\" exclude each other; choose one");
        if (reader.Property("bins") is null && reader.Property("binning") is { } binningKey)
            Conflict(reader, binningKey, "\"binning\" applies only with \"bins\"");
        if (reader.Property("bins") is not null && reader.Property("threshold") is { } thresholdKey)
            Conflict(reader, thresholdKey, "\"threshold\" applies only to one-bit quantization (\"bits\": 1)");

        reader.Finish();
        return bins is { } k
            ? new QuantizerPolicy { Bins = k, Binning = binning ?? Binning.EqualWidth }
            : new QuantizerPolicy { Threshold = threshold };
    }

    private static void Conflict(PolicyObjectReader reader, Policy.Json.JsonSourceProperty at, string why) =>
        reader.Context.Error(PolicyErrors.ConflictingValues, $"{reader.PathOf(at.Name)}: {why}", at.Line, at.Column);
}
