using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>How the policy's constraints bound the number of channels a group keeps.</summary>
public static class ConstraintRules
{
    /// <summary>
    /// The smallest number of channels <paramref name="group"/> may keep (minChannels, and maxRatio
    /// of its original width; never 0, never more than it has).
    /// </summary>
    public static int MinimumKept(this ConstraintsPolicy constraints, ChannelGroup group)
    {
        var original = constraints.OriginalSizes?.GetValueOrDefault(group.Name, group.Size) ?? group.Size;
        var byRatio = (int)Math.Ceiling(Math.Max(original, group.Size) * (1 - constraints.MaxRatio) - 1e-9);
        return Math.Min(group.Size, Math.Max(Math.Max(constraints.MinChannels, 1), byRatio));
    }

    /// <summary>
    /// A group's kept count rounded up and at least the minimum (itself rounded up, so no count
    /// below the first allowed width slips through), or the whole group when that is less.
    /// roundTo n rounds to a multiple of n; "auto" to the next width measured fast for this group
    /// (<see cref="ChannelWidths"/>), or not at all when nothing was measured.
    /// </summary>
    public static int Round(this ConstraintsPolicy constraints, int kept, ChannelGroup group)
    {
        var atLeast = Math.Max(kept, constraints.MinimumKept(group));
        var rounded = constraints.RoundTo switch
        {
            null => constraints.MeasuredWidths?.RoundUp(group.Id, atLeast) ?? atLeast,
            <= 1 => atLeast,
            { } multiple => (int)Math.Ceiling(atLeast / (double)multiple) * multiple,
        };
        return Math.Min(group.Size, rounded);
    }

    /// <summary>True when any producer of the group is excluded by name or pattern.</summary>
    public static bool Excludes(this ConstraintsPolicy constraints, IEnumerable<string> producers) =>
        producers.Any(p => constraints.Exclude.Any(selector => selector.Matches(p)));
}
