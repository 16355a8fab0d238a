namespace InfoPrune.Core.Information;

/// <summary>
/// RBF kernel widths for <see cref="GramMatrix.Rbf"/>. Silverman's rule of thumb σ = h·n^(−1/(4+d))
/// shrinks the width as samples accumulate, at the rate of a d-dimensional density estimate.
/// </summary>
public static class KernelWidth
{
    /// <summary>σ = <paramref name="scale"/> · n^(−1/(4+d)).</summary>
    public static double Silverman(int sampleCount, int dimensions, double scale)
    {
        if (sampleCount <= 0) throw new ArgumentOutOfRangeException(nameof(sampleCount));
        if (dimensions <= 0) throw new ArgumentOutOfRangeException(nameof(dimensions));
        return scale * Math.Pow(sampleCount, -1.0 / (4 + dimensions));
    }

    /// <summary>
    /// Silverman's rule with h the pooled sample standard deviation (√ of the mean per-dimension
    /// variance), the rule's usual scale. A constant sample (h = 0) gets h = 1, as any width
    /// gives the same all-ones Gram matrix there.
    /// </summary>
    public static double Silverman(ReadOnlySpan<float> samples, int sampleCount)
    {
        if (sampleCount <= 0 || samples.Length % sampleCount != 0 || samples.IsEmpty)
            throw new ArgumentException("samples must be [n × d] with n > 0", nameof(samples));
        int d = samples.Length / sampleCount;
        double h = PooledStandardDeviation(samples, sampleCount);
        return Silverman(sampleCount, d, h > 0 ? h : 1.0);
    }

    /// <summary>√(mean over dimensions of the population variance) of samples laid out [n × d].</summary>
    public static double PooledStandardDeviation(ReadOnlySpan<float> samples, int sampleCount)
    {
        int n = sampleCount, d = samples.Length / sampleCount;
        double varianceSum = 0;
        for (int f = 0; f < d; f++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += samples[i * d + f];
            mean /= n;
            double squares = 0;
            for (int i = 0; i < n; i++) { double diff = samples[i * d + f] - mean; squares += diff * diff; }
            varianceSum += squares / n;
        }
        return Math.Sqrt(varianceSum / d);
    }
}
