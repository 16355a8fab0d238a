namespace InfoPrune.Core.Pruning;

/// <summary>
/// The channel counts worth keeping, per group, for <c>"roundTo": "auto"</c>: the widths that no
/// larger width of the same group beats or matches in measured latency. A count is rounded up to
/// the next such width, so a plan never pays for channels it removed (a kernel that pads 20
/// channels to a block of 32 runs 20 as slowly as 32, so 20 goes up to 32) and never lands on a
/// width that runs slower than a wider one (an odd count that leaves the blocked kernels).
/// Groups without a measurement keep their counts as they are.
/// </summary>
public sealed class ChannelWidths
{
    /// <summary>
    /// How much slower (relative) a larger width may measure and still count as "as fast": timing
    /// noise of the minimum of a few warm runs is a few percent, and a plateau of equal cost must
    /// not be split by it.
    /// </summary>
    public const double Tolerance = 0.03;

    private readonly IReadOnlyDictionary<int, int[]> _allowed;

    /// <param name="allowed">Per group id, the widths a count may be rounded up to (ascending; the group's size last).</param>
    public ChannelWidths(IReadOnlyDictionary<int, int[]> allowed) => _allowed = allowed;

    /// <summary>The allowed widths of a group, ascending; null when the group was not measured.</summary>
    public IReadOnlyList<int>? AllowedWidths(int groupId) => _allowed.TryGetValue(groupId, out var widths) ? widths : null;

    /// <summary>The smallest allowed width of the group at or above <paramref name="count"/>; the count itself when unmeasured.</summary>
    public int RoundUp(int groupId, int count)
    {
        if (!_allowed.TryGetValue(groupId, out var widths)) return count;
        foreach (var width in widths)
            if (width >= count) return width;
        return Math.Max(count, widths[^1]);
    }

    /// <summary>
    /// The allowed widths from a group's measured cost per candidate width: a width is dropped when
    /// some larger candidate costs at most <see cref="Tolerance"/> more. The largest candidate
    /// (the group's size) is always allowed.
    /// </summary>
    /// <param name="widths">Candidate widths, ascending.</param>
    /// <param name="cost">Cost of each candidate (any unit; lower is faster).</param>
    public static int[] Undominated(IReadOnlyList<int> widths, IReadOnlyList<double> cost)
    {
        if (widths.Count != cost.Count) throw new ArgumentException("one cost per width");
        var allowed = new List<int>();
        var cheapestAbove = double.PositiveInfinity;
        for (var i = widths.Count - 1; i >= 0; i--)
        {
            if (cheapestAbove > cost[i] * (1 + Tolerance)) allowed.Add(widths[i]);
            cheapestAbove = Math.Min(cheapestAbove, cost[i]);
        }
        allowed.Reverse();
        return allowed.ToArray();
    }

    public override bool Equals(object? obj) =>
        obj is ChannelWidths other && _allowed.Count == other._allowed.Count
        && _allowed.All(kv => other._allowed.TryGetValue(kv.Key, out var w) && w.SequenceEqual(kv.Value));

    public override int GetHashCode() => _allowed.Count;
}
