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

    /// <summary>A kept count rounded up to a multiple of roundTo, within [minimum, size].</summary>
    public static int Round(this ConstraintsPolicy constraints, int kept, int size)
    {
        var rounded = constraints.RoundTo <= 1 ? kept : (int)Math.Ceiling(kept / (double)constraints.RoundTo) * constraints.RoundTo;
        return Math.Min(size, Math.Max(constraints.MinimumKept(size), rounded));
    }

    /// <summary>True when any producer of the group is excluded by name or pattern.</summary>
    public static bool Excludes(this ConstraintsPolicy constraints, IEnumerable<string> producers) =>
        producers.Any(p => constraints.Exclude.Any(selector => selector.Matches(p)));
}
