namespace InfoPrune.Core.Latency;

/// <summary>
/// Summary of repeated timings: the median and the interquartile range (the middle half of the
/// samples), which ignore the few runs a busy machine stretches.
/// </summary>
/// <param name="Median">Median, in the samples' unit (milliseconds for times, a plain number for ratios).</param>
/// <param name="LowerQuartile">25th percentile.</param>
/// <param name="UpperQuartile">75th percentile.</param>
/// <param name="Samples">How many samples were summarised.</param>
public sealed record LatencyStatistics(double Median, double LowerQuartile, double UpperQuartile, int Samples)
{
    /// <summary>Upper minus lower quartile.</summary>
    public double InterquartileRange => UpperQuartile - LowerQuartile;

    /// <summary>Median and quartiles of <paramref name="samples"/> (linear interpolation between order statistics).</summary>
    public static LatencyStatistics Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to summarise", nameof(samples));
        var sorted = samples.OrderBy(s => s).ToArray();
        return new LatencyStatistics(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted.Length);
    }

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
