namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// How one measure is spread over a layer's units (the paper's Fig. 2 in five numbers): it shows
/// whether a layer's units differ enough for the measure to rank them, and how layers compare.
/// </summary>
public sealed record MeasureDistribution(double Min, double LowerQuartile, double Median, double UpperQuartile, double Max, double Mean)
{
    /// <summary>The five-number summary (quartiles by linear interpolation between order statistics).</summary>
    public static MeasureDistribution Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new MeasureDistribution(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = values.OrderBy(v => v).ToArray();
        return new MeasureDistribution(sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), sorted[^1], sorted.Average());
    }

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
