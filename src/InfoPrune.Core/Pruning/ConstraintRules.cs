using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>How the policy's constraints bound the number of channels a group keeps.</summary>
public static class ConstraintRules
{
    /// <summary>The smallest number of channels a group of <paramref name="size"/> may keep (minChannels, maxRatio; never 0).</summary>
    public static int MinimumKept(this ConstraintsPolicy constraints, int size)
    {
        var byRatio = (int)Math.Ceiling(size * (1 - constraints.MaxRatio) - 1e-9);
        return Math.Min(size, Math.Max(Math.Max(constraints.MinChannels, 1), byRatio));
    }

    /// <summary>
    /// A kept count rounded up to a multiple of roundTo and at least the minimum (itself rounded up,
    /// so no count below the first multiple slips through), or the whole group when that is less.
    /// </summary>
    public static int Round(this ConstraintsPolicy constraints, int kept, int size)
    {
        var atLeast = Math.Max(kept, constraints.MinimumKept(size));
        var rounded = constraints.RoundTo <= 1 ? atLeast : (int)Math.Ceiling(atLeast / (double)constraints.RoundTo) * constraints.RoundTo;
        return Math.Min(size, rounded);
    }

    /// <summary>True when any producer of the group is excluded by name or pattern.</summary>
    public static bool Excludes(this ConstraintsPolicy constraints, IEnumerable<string> producers) =>
        producers.Any(p => constraints.Exclude.Any(selector => selector.Matches(p)));
}
