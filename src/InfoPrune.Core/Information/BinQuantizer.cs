using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// A k-level quantizer (the paper's Appendix C uses up to 20 bins). Edges are fitted once on a
/// calibration sample, then used unchanged for the streamed pass, so the joint counts stay O(N).
/// Values outside the fitted range fall into the first or last bin.
/// </summary>
public sealed class BinQuantizer : Quantizer
{
    /// <summary>The largest bin count accepted; more levels than this only adds estimator bias.</summary>
    public const int MaxBins = 4096;

    private BinQuantizer(float[] edges, BinningMode mode) : base(edges) => Mode = mode;

    /// <summary>How the edges were placed.</summary>
    public BinningMode Mode { get; }

    /// <summary>Fits <paramref name="bins"/> bins to <paramref name="sample"/> the way <paramref name="mode"/> says.</summary>
    public static BinQuantizer Fit(BinningMode mode, ReadOnlySpan<float> sample, int bins) => mode switch
    {
        BinningMode.EqualWidth => EqualWidth(sample, bins),
        BinningMode.EqualFrequency => EqualFrequency(sample, bins),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Equal-width bins over [min, max] of the sample.</summary>
    public static BinQuantizer EqualWidth(ReadOnlySpan<float> sample, int bins)
    {
        ValidateBins(bins);
        if (sample.IsEmpty)
            throw new InfoPruneException(InformationErrors.EmptySample, "Cannot fit equal-width bins from an empty sample.");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in sample)
        {
            if (!float.IsFinite(v))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, "Equal-width bins need finite activations (found NaN or infinity).");
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return EqualWidth(min, max, bins);
    }

    /// <summary>Equal-width bins over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static BinQuantizer EqualWidth(float min, float max, int bins)
    {
        ValidateBins(bins);
        if (!float.IsFinite(min) || !float.IsFinite(max) || max < min)
            throw new InfoPruneException(InformationErrors.InvalidQuantizer, $"Equal-width bins need finite min ≤ max (got {min}, {max}).");
        var edges = new float[bins - 1];
        // Double arithmetic so the edges do not drift for wide ranges; a constant unit (min == max)
        // gets all edges at min, i.e. every value in level 0: entropy 0, as it should be.
        double width = ((double)max - min) / bins;
        for (int i = 1; i < bins; i++) edges[i - 1] = (float)(min + i * width);
        return new BinQuantizer(edges, BinningMode.EqualWidth);
    }

    /// <summary>
    /// Equal-frequency bins: edge i is the ⌈i·m/k⌉-th smallest of the m sample values, so bin i holds
    /// m/k of them when the values are distinct. Ties (e.g. the many zeros after a ReLU) give
    /// repeated edges and thus empty bins, which the measures treat as 0·log 0 = 0.
    /// </summary>
    public static BinQuantizer EqualFrequency(ReadOnlySpan<float> sample, int bins)
    {
        ValidateBins(bins);
        var sorted = SortedCopy.Of(sample);
        var edges = new float[bins - 1];
        long m = sorted.Length;
        for (int i = 1; i < bins; i++)
        {
            long rank = (i * m + bins - 1) / bins; // ⌈i·m/k⌉, 1-based
            edges[i - 1] = sorted[Math.Max(rank, 1) - 1];
        }
        return new BinQuantizer(edges, BinningMode.EqualFrequency);
    }

    private static void ValidateBins(int bins)
    {
        if (bins < 2 || bins > MaxBins)
            throw new InfoPruneException(InformationErrors.InvalidQuantizer, $"A bin quantizer needs between 2 and {MaxBins} bins (got {bins}).");
    }
}
