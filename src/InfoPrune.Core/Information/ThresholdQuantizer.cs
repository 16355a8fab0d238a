using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// The paper's one-bit quantizer (|T| = 2, Section 3): level 1 when the output is above the
/// threshold, level 0 otherwise. The paper thresholds at 0 for ReLU and 0.5 for sigmoid;
/// <see cref="ActivationThresholds"/> picks that default from the graph's activation.
/// </summary>
public sealed class ThresholdQuantizer : Quantizer
{
    /// <summary>Creates a one-bit quantizer; values strictly above <paramref name="threshold"/> map to 1.</summary>
    public ThresholdQuantizer(float threshold) : base(new[] { Validate(threshold) })
    {
        Threshold = threshold;
    }

    /// <summary>The boundary: values ≤ threshold are level 0, values above are level 1.</summary>
    public float Threshold { get; }

    /// <summary>
    /// The threshold for a unit after <paramref name="activationKind"/>: an explicit override wins;
    /// otherwise the activation's own default (<see cref="ActivationThresholds.TryGetDefault"/>);
    /// otherwise the median of <paramref name="calibrationSample"/> (the most balanced split, so the
    /// bit carries as much entropy as the unit allows); with no sample either, 0.
    /// </summary>
    public static ThresholdQuantizer ForActivation(string? activationKind, ReadOnlySpan<float> calibrationSample, float? thresholdOverride = null)
    {
        if (thresholdOverride is { } given) return new ThresholdQuantizer(given);
        if (ActivationThresholds.TryGetDefault(activationKind, out var byActivation)) return new ThresholdQuantizer(byActivation);
        return calibrationSample.IsEmpty ? new ThresholdQuantizer(0f) : AtMedian(calibrationSample);
    }

    /// <summary>A threshold at the (lower) median of the sample, so at most half the values are above it.</summary>
    public static ThresholdQuantizer AtMedian(ReadOnlySpan<float> sample)
    {
        var sorted = SortedCopy.Of(sample);
        return new ThresholdQuantizer(sorted[(sorted.Length + 1) / 2 - 1]);
    }

    private static float Validate(float threshold)
    {
        if (float.IsNaN(threshold))
            throw new InfoPruneException(InformationErrors.InvalidQuantizer, "A quantizer threshold must not be NaN.");
        return threshold;
    }
}
