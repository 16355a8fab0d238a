using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// How many channels each group keeps when layers prune at different rates: group g loses the
/// fraction min(1, k·w_g) of its channels (then the constraints' minimum and rounding apply), and
/// the one scale k is the smallest that meets the target — the kept share of all candidate
/// channels for a ratio target, the kept MACs or parameters for a budget. Equal weights give
/// the engine's uniform ratio. Shared by every method that sets per-layer rates (the hybrid's
/// split today; allocation by measured sensitivity next).
/// </summary>
public static class LayerRatioAllocation
{
    /// <summary>Kept channel count per candidate group, by group id.</summary>
    public static Dictionary<int, int> KeptCounts(DependencyGraph graph, IReadOnlyList<ChannelGroup> candidates,
        IReadOnlyDictionary<int, double> pruneWeights, TargetPolicy target, ConstraintsPolicy constraints)
    {
        if (candidates.Count == 0) return new Dictionary<int, int>();
        var budget = Budget.For(target, graph, candidates);
        Func<Dictionary<int, int>, bool> meets = budget.Meets;

        // At k = 1/min(w) every group is at its minimum: as far as the constraints allow.
        double low = 0, high = 1 / candidates.Min(g => pruneWeights[g.Id]);
        var best = Counts(candidates, pruneWeights, high, constraints);
        if (!meets(best)) return best;
        for (var step = 0; step < 50; step++)
        {
            var mid = (low + high) / 2;
            var counts = Counts(candidates, pruneWeights, mid, constraints);
            if (meets(counts)) { high = mid; best = counts; } else low = mid;
        }
        return WidthBudgetFill.Fill(candidates, best, constraints, meets);
    }

    private static Dictionary<int, int> Counts(IReadOnlyList<ChannelGroup> groups, IReadOnlyDictionary<int, double> weights, double scale,
        ConstraintsPolicy constraints) =>
        groups.ToDictionary(g => g.Id, g =>
        {
            var pruned = Math.Min(1, scale * weights[g.Id]);
            return constraints.Round((int)Math.Ceiling(g.Size * (1 - pruned) - 1e-9), g);
        });
}
