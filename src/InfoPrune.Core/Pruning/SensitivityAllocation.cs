using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// Per-layer kept counts chosen by measured sensitivity (<see cref="LayerSensitivity"/>): starting
/// from the whole model, the group whose next step down (one channel, or to its next rounded
/// width) costs the least loss per unit of budget it frees gives up that step, until the budget is
/// met; then the steps that fit are given back, most costly first. Layer costs are taken as
/// additive, each measured with the rest of the model whole. Constraints (minimum, maxRatio,
/// roundTo incl. measured widths) bound every step, and the budget is checked on the whole model,
/// so coupled groups and a layer's MACs that depend on two groups are counted as surgery will cut
/// them. A group that was not measured (nothing reads it through a weight) is given the mean
/// cost curve of the measured ones, scaled to its width.
/// </summary>
public static class SensitivityAllocation
{
    /// <summary>Kept channel count per candidate group, by group id.</summary>
    public static Dictionary<int, int> KeptCounts(DependencyGraph graph, IReadOnlyList<ChannelGroup> candidates,
        LayerSensitivity sensitivity, TargetPolicy target, ConstraintsPolicy constraints)
    {
        ArgumentNullException.ThrowIfNull(sensitivity);
        var budget = Budget.For(target, graph, candidates);
        var cost = CostFunction(candidates, sensitivity);
        var kept = candidates.ToDictionary(g => g.Id, g => constraints.Round(g.Size, g));
        var taken = new List<(int Group, int From, double CostPerUnit)>();
        var measure = budget.Measure(kept);
        while (measure > budget.Goal + (budget.Kind == TargetKind.Ratio ? 1e-9 : 0))
        {
            (ChannelGroup Group, int Next, double Saved, double Score)? best = null;
            foreach (var group in candidates)
            {
                var from = kept[group.Id];
                if (NextDown(group, from, constraints) is not { } next) continue;
                kept[group.Id] = next;
                var saved = measure - budget.Measure(kept);
                kept[group.Id] = from;
                if (saved <= 0) continue;
                var score = (cost(group, next) - cost(group, from)) / saved;
                if (best is null || score < best.Value.Score - 1e-15
                    || (Math.Abs(score - best.Value.Score) <= 1e-15 && saved > best.Value.Saved))
                    best = (group, next, saved, score);
            }
            if (best is not { } step) break; // everything is at its minimum: as far as the constraints allow
            taken.Add((step.Group.Id, kept[step.Group.Id], step.Score));
            kept[step.Group.Id] = step.Next;
            measure = budget.Measure(kept);
        }
        // A last step can free far more than was missing (a wide group's rounded width); give back
        // what still fits, the costliest steps first, so the plan keeps as much as the budget allows.
        foreach (var (group, from, _) in taken.OrderByDescending(t => t.CostPerUnit))
        {
            if (kept[group] >= from) continue;
            var previous = kept[group];
            kept[group] = from;
            if (!budget.Meets(kept)) kept[group] = previous;
        }
        return kept;
    }

    /// <summary>The largest allowed count below <paramref name="current"/>, or null at the minimum.</summary>
    private static int? NextDown(ChannelGroup group, int current, ConstraintsPolicy constraints)
    {
        var minimum = constraints.Round(constraints.MinimumKept(group), group);
        for (var count = current - 1; count >= minimum; count--)
        {
            var rounded = constraints.Round(count, group);
            if (rounded < current) return rounded;
        }
        return null;
    }

    private static Func<ChannelGroup, int, double> CostFunction(IReadOnlyList<ChannelGroup> candidates, LayerSensitivity sensitivity)
    {
        var measured = candidates.Where(g => sensitivity.Covers(g.Id)).ToList();
        // The mean measured cost at each removed fraction, for groups the pass could not measure.
        double Fallback(ChannelGroup group, int kept) => measured.Count == 0 ? 1.0 - (double)kept / group.Size
            : measured.Average(m => sensitivity.Cost(m.Id, (int)Math.Round(m.Size * (double)kept / group.Size)));
        return (group, kept) => sensitivity.Covers(group.Id) ? sensitivity.Cost(group.Id, kept) : Fallback(group, kept);
    }
}
