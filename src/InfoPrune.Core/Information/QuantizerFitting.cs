namespace InfoPrune.Core.Information;

/// <summary>
/// The fit step that precedes the streamed pass: quantizers for every unit of a layer from a
/// calibration subsample laid out [rows × units] (row-major, one row per sample). Equal-frequency
/// edges and median thresholds need the values first; doing this on a subsample keeps the main
/// pass single and O(N) per unit.
/// </summary>
public static class QuantizerFitting
{
    /// <summary>One-bit quantizers per unit: override, else the activation's default, else each unit's median.</summary>
    public static Quantizer[] Thresholds(ReadOnlySpan<float> calibration, int units, string? activationKind, float? thresholdOverride = null)
    {
        int rows = RowsOf(calibration, units);
        var result = new Quantizer[units];
        // A fixed threshold is shared and needs no sample; only the median fallback reads columns.
        if (thresholdOverride is not null || ActivationThresholds.TryGetDefault(activationKind, out _))
        {
            var shared = ThresholdQuantizer.ForActivation(activationKind, ReadOnlySpan<float>.Empty, thresholdOverride);
            Array.Fill(result, shared);
            return result;
        }
        var column = new float[rows];
        for (int u = 0; u < units; u++)
        {
            CopyColumn(calibration, units, u, column);
            result[u] = ThresholdQuantizer.ForActivation(null, column);
        }
        return result;
    }

    /// <summary>k-bin quantizers per unit, each fitted to its own column of the calibration sample.</summary>
    public static Quantizer[] Bins(ReadOnlySpan<float> calibration, int units, int bins, BinningMode mode)
    {
        int rows = RowsOf(calibration, units);
        var result = new Quantizer[units];
        var column = new float[rows];
        for (int u = 0; u < units; u++)
        {
            CopyColumn(calibration, units, u, column);
            result[u] = BinQuantizer.Fit(mode, column, bins);
        }
        return result;
    }

    private static int RowsOf(ReadOnlySpan<float> calibration, int units)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), "units must be positive");
        if (calibration.Length % units != 0)
            throw new ArgumentException($"calibration length {calibration.Length} is not a multiple of {units} units", nameof(calibration));
        return calibration.Length / units;
    }

    private static void CopyColumn(ReadOnlySpan<float> matrix, int units, int unit, Span<float> column)
    {
        for (int r = 0; r < column.Length; r++) column[r] = matrix[r * units + unit];
    }
}
