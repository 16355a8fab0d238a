namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// Where a layer's cumulative CMI curve is cut: how many channels of its order stay.
/// </summary>
public static class CmiCutoffs
{
    /// <summary>
    /// The Scree test: the knee of the cumulative curve I(S_k; Y | Z), k = 0 … C, taken as the
    /// point farthest above the chord from (0, 0) to (C, total) once both axes are scaled to
    /// [0, 1] — where adding channels stops paying as it did. A curve with no gain (total ≤ 0) or
    /// never above its chord has no knee, and the layer keeps all C.
    /// </summary>
    public static int Scree(IReadOnlyList<double> cumulative)
    {
        var channels = cumulative.Count - 1;
        if (channels < 1) throw new ArgumentException("a curve needs at least one channel", nameof(cumulative));
        var total = cumulative[channels];
        if (!(total > 1e-12)) return channels;
        var knee = channels;
        var farthest = 1e-9;
        for (var k = 1; k < channels; k++)
        {
            var above = cumulative[k] / total - (double)k / channels;
            if (above > farthest) { farthest = above; knee = k; }
        }
        return knee;
    }

    /// <summary>
    /// X-means on the increments: the channels whose increment falls in the lowest of the clusters
    /// X-means finds are cut; the count kept is the rest (at least 1). One cluster keeps all.
    /// </summary>
    public static int XMeans(IReadOnlyList<double> increments)
    {
        if (increments.Count < 1) throw new ArgumentException("at least one increment is needed", nameof(increments));
        var clusters = XMeansClustering.Cluster(increments.ToArray());
        if (clusters.Count < 2) return increments.Count;
        var lowest = clusters.MinBy(c => c.Mean)!;
        return Math.Max(1, increments.Count - lowest.Members.Count);
    }
}

/// <summary>A cluster of one-dimensional values: their indices and mean.</summary>
public sealed record ValueCluster(IReadOnlyList<int> Members, double Mean);

/// <summary>
/// X-means (Pelleg &amp; Moore, 2000) on one-dimensional values: start with one cluster and split a
/// cluster in two by 2-means while the Bayesian information criterion of the split beats that of
/// the parent, so the number of clusters is found rather than given.
/// </summary>
public static class XMeansClustering
{
    /// <summary>Most clusters returned.</summary>
    public const int MaxClusters = 8;

    /// <summary>The clusters of <paramref name="values"/>, in ascending order of mean.</summary>
    public static IReadOnlyList<ValueCluster> Cluster(double[] values)
    {
        var clusters = new List<int[]> { Enumerable.Range(0, values.Length).ToArray() };
        for (var changed = true; changed && clusters.Count < MaxClusters;)
        {
            changed = false;
            for (var c = 0; c < clusters.Count && clusters.Count < MaxClusters; c++)
            {
                var parent = clusters[c];
                if (parent.Length < 2) continue;
                var (low, high) = TwoMeans(values, parent);
                if (low.Length == 0 || high.Length == 0) continue;
                if (Bic(values, [high, low]) <= Bic(values, [parent])) continue;
                clusters[c] = low;
                clusters.Insert(c + 1, high);
                changed = true;
            }
        }
        return clusters.Select(m => new ValueCluster(m, m.Average(i => values[i]))).OrderBy(c => c.Mean).ToArray();
    }

    /// <summary>2-means from the extremes; deterministic.</summary>
    private static (int[] Low, int[] High) TwoMeans(double[] values, int[] members)
    {
        double a = members.Min(i => values[i]), b = members.Max(i => values[i]);
        if (a == b) return (members, Array.Empty<int>());
        int[] low = members, high = Array.Empty<int>();
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var split = (a + b) / 2;
            var nextLow = members.Where(i => values[i] <= split).ToArray();
            var nextHigh = members.Where(i => values[i] > split).ToArray();
            if (nextLow.SequenceEqual(low) && nextHigh.SequenceEqual(high)) break;
            (low, high) = (nextLow, nextHigh);
            if (low.Length == 0 || high.Length == 0) break;
            a = low.Average(i => values[i]);
            b = high.Average(i => values[i]);
        }
        return (low, high);
    }

    /// <summary>
    /// BIC of a one-dimensional Gaussian mixture with one shared variance (Pelleg &amp; Moore, with
    /// the point-count term summed once: −(R − K)/2): log-likelihood at the maximum-likelihood
    /// estimates minus (parameters / 2)·log R. The variance has a floor, so a split into exactly
    /// repeated values scores finite and high.
    /// </summary>
    private static double Bic(double[] values, IReadOnlyList<int[]> clusters)
    {
        var count = clusters.Sum(c => c.Length);
        var k = clusters.Count;
        if (count <= k) return double.NegativeInfinity;
        double squares = 0, scale = 0;
        foreach (var cluster in clusters)
        {
            var mean = cluster.Average(i => values[i]);
            foreach (var i in cluster) { squares += (values[i] - mean) * (values[i] - mean); scale = Math.Max(scale, Math.Abs(values[i])); }
        }
        var variance = Math.Max(squares / (count - k), 1e-12 * (1 + scale * scale));
        var logLikelihood = clusters.Sum(c => c.Length * Math.Log((double)c.Length / count))
                            - count / 2.0 * Math.Log(2 * Math.PI * variance) - (count - k) / 2.0;
        var parameters = 2 * k; // k − 1 mixing weights, k means, one variance
        return logLikelihood - parameters / 2.0 * Math.Log(count);
    }
}
