using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>Sorted copy of a calibration sample, refusing what quantizer fitting cannot use.</summary>
internal static class SortedCopy
{
    public static float[] Of(ReadOnlySpan<float> sample)
    {
        if (sample.IsEmpty)
            throw new InfoPruneException(InformationErrors.EmptySample, "Cannot fit a quantizer from an empty sample.");
        var copy = sample.ToArray();
        foreach (var v in copy)
            if (float.IsNaN(v))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, "The calibration sample contains NaN activations.");
        Array.Sort(copy);
        return copy;
    }
}
