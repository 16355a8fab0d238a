namespace InfoPrune.Core.Pruning;

/// <summary>
/// The channel counts <c>"roundTo": "auto"</c> rounds to, per group, from the group's measured
/// latency per width at each timed batch size (<see cref="WidthCost"/>; a width's cost is its time
/// relative to the whole group's, averaged over the batch sizes). Three sets, each in the next:
/// <list type="bullet">
/// <item><b>fast</b>: no wider width measures clearly faster (beyond <see cref="Tolerance"/>), and
/// none is slower than the whole group at a timed batch size. An odd count that leaves the
/// blocked kernels is slower than the next multiple of the block, so it is not fast; counts on a
/// plateau of equal cost (a kernel that pads 20 channels to 32 runs 20 as fast as 32) all are:
/// rounding them up would spend MACs and parameters on channels that buy no speed.</item>
/// <item><b>acceptable</b>: at most <see cref="SlowPathFactor"/> times the cost of the cheapest
/// width at or above it, and at no timed batch size slower than the whole group (pruning there
/// would cost accuracy and time).</item>
/// <item><b>off the slow path</b>: at most <see cref="SlowPathFactor"/> times the cost of the
/// cheapest width at or above it. Beyond that a width runs on a slow path (a depthwise
/// convolution outside its blocked kernel takes several times as long as with a few more
/// channels, or as the whole layer).</item>
/// </list>
/// A count rounds up to the next fast width when that is near (within <see cref="Reach"/> of the
/// group's size): a count some wider one beats goes up to where the group is faster;
/// else to the next acceptable width within reach; else only off the slow path, however far: a
/// group whose kernels run well only near its full width keeps about the count a plain budget
/// gives it (rounding far up would move the budget to this one layer and cost the others
/// accuracy), but never a count several times slower than a wider one. Rounding never goes down,
/// is monotone in the count and keeps a rounded count, so budget searches over it stay well
/// behaved. Groups without a measurement keep their counts as they are.
/// </summary>
public sealed class ChannelWidths
{
    /// <summary>
    /// How much slower (relative) a wider width may measure and still count as "as fast": timing
    /// noise of the fastest of a few warm runs is a few percent, and it must not split a plateau
    /// of equal cost.
    /// </summary>
    public const double Tolerance = 0.05;

    /// <summary>A width this many times slower than the cheapest width at or above it is on a slow path.</summary>
    public const double SlowPathFactor = 1.25;

    /// <summary>How far up (as a fraction of the group's size) a count may go to reach a fast or acceptable width.</summary>
    public const double Reach = 0.25;

    private readonly IReadOnlyDictionary<int, Sets> _groups;

    private sealed record Sets(int Size, int[] Fast, int[] Acceptable, int[] OffSlowPath);

    private ChannelWidths(IReadOnlyDictionary<int, Sets> groups) => _groups = groups;

    /// <summary>From each measured group's widths (ascending, its size last) and their costs per batch size.</summary>
    public static ChannelWidths FromCosts(IReadOnlyDictionary<int, WidthCost> costs) =>
        new(costs.ToDictionary(c => c.Key, c =>
        {
            var (mean, notSlower) = Relative(c.Value);
            return new Sets(c.Value.Widths[^1], Fast(c.Value.Widths, mean, notSlower), Acceptable(c.Value.Widths, mean, notSlower),
                Acceptable(c.Value.Widths, mean));
        }));

    /// <summary>Each width's cost relative to the whole group, averaged over batch sizes; and whether it is no slower than the whole group at every batch size.</summary>
    private static (double[] Mean, bool[] NotSlower) Relative(WidthCost cost)
    {
        if (cost.Costs.Count == 0 || cost.Costs.Any(c => c.Count != cost.Widths.Count))
            throw new ArgumentException("one cost per width for every batch size");
        var relative = cost.Costs.Select(c => c.Select(v => v / c[^1]).ToArray()).ToArray();
        var mean = Enumerable.Range(0, cost.Widths.Count).Select(i => relative.Average(r => r[i])).ToArray();
        var notSlower = Enumerable.Range(0, cost.Widths.Count).Select(i => relative.All(r => r[i] <= 1 + Tolerance)).ToArray();
        return (mean, notSlower);
    }

    /// <summary>The fast widths of a group, ascending (what the report lists); null when the group was not measured.</summary>
    public IReadOnlyList<int>? FastWidths(int groupId) => _groups.TryGetValue(groupId, out var sets) ? sets.Fast : null;

    /// <summary>
    /// The count a group keeps for <paramref name="count"/>: the next fast width within reach, else
    /// the next acceptable width within reach, else the next width off the slow path — applied again
    /// until it settles, so a rounded count rounds to itself. The count itself when the group was not measured.
    /// </summary>
    public int RoundUp(int groupId, int count)
    {
        if (!_groups.TryGetValue(groupId, out var sets)) return count;
        var reach = Math.Max(1, Math.Ceiling(Reach * sets.Size));
        int Step(int c)
        {
            var fast = NextAtLeast(sets.Fast, c);
            if (fast - c <= reach) return fast;
            var acceptable = NextAtLeast(sets.Acceptable, c);
            return acceptable - c <= reach ? acceptable : NextAtLeast(sets.OffSlowPath, c);
        }
        // Each step is monotone and never goes down, so settling keeps both properties.
        var rounded = Step(count);
        for (var next = Step(rounded); next != rounded; next = Step(rounded)) rounded = next;
        return rounded;
    }

    private static int NextAtLeast(int[] ascending, int count)
    {
        foreach (var width in ascending)
            if (width >= count) return width;
        return Math.Max(count, ascending[^1]);
    }

    /// <summary>
    /// The widths that no wider width beats by more than <see cref="Tolerance"/> (and, when
    /// <paramref name="eligible"/> is given, that are eligible); the largest always.
    /// </summary>
    public static int[] Fast(IReadOnlyList<int> widths, IReadOnlyList<double> cost, IReadOnlyList<bool>? eligible = null)
    {
        if (widths.Count != cost.Count || widths.Count == 0) throw new ArgumentException("one cost per width, at least one width");
        var fast = new List<int>();
        var cheapestAbove = double.PositiveInfinity;
        for (var i = widths.Count - 1; i >= 0; i--)
        {
            if (i == widths.Count - 1 || (cost[i] <= cheapestAbove * (1 + Tolerance) && (eligible?[i] ?? true))) fast.Add(widths[i]);
            cheapestAbove = Math.Min(cheapestAbove, cost[i]);
        }
        fast.Reverse();
        return fast.ToArray();
    }

    /// <summary>
    /// The widths at most <see cref="SlowPathFactor"/> times as slow as the cheapest width at or
    /// above them (and, when <paramref name="eligible"/> is given, that are eligible); the largest always.
    /// </summary>
    public static int[] Acceptable(IReadOnlyList<int> widths, IReadOnlyList<double> cost, IReadOnlyList<bool>? eligible = null)
    {
        if (widths.Count != cost.Count || widths.Count == 0) throw new ArgumentException("one cost per width, at least one width");
        var acceptable = new List<int>();
        var cheapestFromHere = double.PositiveInfinity;
        for (var i = widths.Count - 1; i >= 0; i--)
        {
            cheapestFromHere = Math.Min(cheapestFromHere, cost[i]);
            if (i == widths.Count - 1 || (cost[i] <= cheapestFromHere * SlowPathFactor && (eligible?[i] ?? true))) acceptable.Add(widths[i]);
        }
        acceptable.Reverse();
        return acceptable.ToArray();
    }

    public override bool Equals(object? obj) =>
        obj is ChannelWidths other && _groups.Count == other._groups.Count
        && _groups.All(kv => other._groups.TryGetValue(kv.Key, out var s) && s.Size == kv.Value.Size
                             && s.Fast.SequenceEqual(kv.Value.Fast) && s.Acceptable.SequenceEqual(kv.Value.Acceptable) && s.OffSlowPath.SequenceEqual(kv.Value.OffSlowPath));

    public override int GetHashCode() => _groups.Count;
}

/// <summary>
/// One group's candidate widths (ascending, the group's size last) and what each costs at each
/// timed batch size (one list per batch size, one value per width; any unit, lower is faster).
/// </summary>
public sealed record WidthCost(IReadOnlyList<int> Widths, IReadOnlyList<IReadOnlyList<double>> Costs);
