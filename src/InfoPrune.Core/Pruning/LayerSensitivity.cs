namespace InfoPrune.Core.Pruning;

/// <summary>
/// What removing a group's units costs, measured one group at a time with the rest of the model
/// whole: for a few kept counts, the rise of the calibration loss (mean cross-entropy, nats) when
/// the group keeps only its highest-scoring units by the method's own ranking. Between measured
/// counts the cost is interpolated linearly; it never falls as fewer units are kept (a removal
/// that happened to lower the loss on a few hundred samples is read as free, not as a gain).
/// </summary>
public sealed class LayerSensitivity
{
    private readonly IReadOnlyDictionary<int, Curve> _curves;

    /// <summary>One group's measured points: kept counts, descending, the full width first (cost 0).</summary>
    public sealed record Curve(int[] Kept, double[] Cost);

    /// <param name="curves">Per group id, kept count → measured loss rise; the full width is added at cost 0.</param>
    /// <param name="sizes">Per group id, the group's full width.</param>
    public LayerSensitivity(IReadOnlyDictionary<int, IReadOnlyDictionary<int, double>> curves, IReadOnlyDictionary<int, int> sizes)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(sizes);
        var result = new Dictionary<int, Curve>();
        foreach (var (group, points) in curves)
        {
            var size = sizes[group];
            var ordered = points.Where(p => p.Key >= 0 && p.Key < size).OrderByDescending(p => p.Key).ToList();
            var kept = new List<int> { size };
            var cost = new List<double> { 0 };
            foreach (var (count, rise) in ordered)
            {
                kept.Add(count);
                // Monotone: keeping fewer never costs less than keeping more.
                cost.Add(Math.Max(cost[^1], double.IsFinite(rise) ? rise : cost[^1]));
            }
            result[group] = new Curve(kept.ToArray(), cost.ToArray());
        }
        _curves = result;
    }

    /// <summary>The measured groups' curves, by group id (for reports and tests).</summary>
    public IReadOnlyDictionary<int, Curve> Curves => _curves;

    /// <summary>True when <paramref name="groupId"/> was measured.</summary>
    public bool Covers(int groupId) => _curves.ContainsKey(groupId);

    /// <summary>
    /// The loss rise of <paramref name="groupId"/> keeping <paramref name="kept"/> units: linear between
    /// measured counts, extended along the last measured slope below the smallest one.
    /// </summary>
    public double Cost(int groupId, int kept)
    {
        var curve = _curves[groupId];
        var k = curve.Kept;
        if (kept >= k[0]) return 0;
        for (var i = 1; i < k.Length; i++)
        {
            if (kept < k[i]) continue;
            var t = (double)(k[i - 1] - kept) / (k[i - 1] - k[i]);
            return curve.Cost[i - 1] + t * (curve.Cost[i] - curve.Cost[i - 1]);
        }
        if (k.Length < 2) return 0;
        var slope = (curve.Cost[^1] - curve.Cost[^2]) / (k[^2] - k[^1]);
        return curve.Cost[^1] + slope * (k[^1] - kept);
    }
}
