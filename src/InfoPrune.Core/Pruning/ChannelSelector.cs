using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// Turns per-channel importance scores into a plan that meets a target within the constraints.
/// A uniform ratio keeps the same fraction of every group (ranking within the group). A budget is
/// met either by global ranking (scores normalised per group, least important channel anywhere
/// removed first — only for methods whose scores compare across layers) or by the smallest
/// uniform ratio that meets it, found by bisection (ranking stays within each layer).
/// </summary>
public static class ChannelSelector
{
    /// <param name="graph">The analyzed model.</param>
    /// <param name="scores">A score per channel of each scored group, by group id (higher = more important).</param>
    /// <param name="target">The target to meet.</param>
    /// <param name="constraints">The policy's limits.</param>
    /// <param name="rankAcrossLayers">True when the scores compare across layers, so a budget is met by global ranking.</param>
    /// <param name="methodName">The method named in each decision's reason.</param>
    /// <param name="normalisePerGroup">For global ranking: divide each group's scores by their mean so
    /// layers of different scale compare (true, for magnitudes and the like); false for scores that
    /// already mean the same in every layer (a gate's signal-to-noise ratio), where a group whose
    /// channels all score low must be able to lose them all.</param>
    public static PruningPlan Select(DependencyGraph graph, IReadOnlyDictionary<int, double[]> scores, TargetPolicy target,
        ConstraintsPolicy constraints, bool rankAcrossLayers, string methodName, bool normalisePerGroup = true)
    {
        var candidates = graph.PrunableGroups.Where(g => scores.ContainsKey(g.Id) && !constraints.Excludes(g.Producers)).ToList();
        var order = candidates.ToDictionary(g => g.Id, g => Ascending(scores[g.Id]));
        Dictionary<int, int> kept;
        string reason;
        if (target.Kind == TargetKind.Ratio)
        {
            kept = UniformCounts(candidates, target.Fraction, constraints);
            reason = $"{methodName}: lowest-scoring channels of the group removed, keeping {target.Fraction:P0}";
        }
        else if (rankAcrossLayers)
        {
            kept = GlobalRanking(graph, candidates, scores, target, constraints, normalisePerGroup);
            reason = $"{methodName}: removed by global ranking to keep {target.Fraction:P0} of {target.Kind}";
        }
        else
        {
            var keep = BisectUniformRatio(graph, candidates, target, constraints);
            kept = WidthBudgetFill.Fill(candidates, UniformCounts(candidates, keep, constraints), constraints, Budget.For(target, graph, candidates).Meets);
            reason = $"{methodName}: lowest-scoring channels of the group removed; a uniform keep ratio of {keep:P1} keeps {target.Fraction:P0} of {target.Kind}";
        }

        var decisions = candidates.Select(g => new GroupDecision(g.Id,
            order[g.Id].Skip(g.Size - kept[g.Id]).OrderBy(i => i).ToArray(), kept[g.Id] < g.Size ? reason : $"{methodName}: kept whole")).ToList();
        return new PruningPlan(decisions);
    }

    /// <summary>
    /// The plan that keeps, in each candidate group, its <paramref name="kept"/> highest-scoring
    /// channels: the one way every selector turns counts into kept indices.
    /// </summary>
    public static PruningPlan Decide(IReadOnlyList<ChannelGroup> candidates, IReadOnlyDictionary<int, double[]> scores,
        IReadOnlyDictionary<int, int> kept, Func<int, string> reason, string methodName) =>
        new(candidates.Select(g => new GroupDecision(g.Id,
            Ascending(scores[g.Id]).Skip(g.Size - kept[g.Id]).OrderBy(i => i).ToArray(),
            kept[g.Id] < g.Size ? reason(g.Id) : $"{methodName}: kept whole")));

    /// <summary>Channel indices sorted by ascending score (ties by index, so selection is deterministic).</summary>
    public static int[] Ascending(double[] scores) =>
        Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).ToArray();

    private static Dictionary<int, int> UniformCounts(IEnumerable<ChannelGroup> groups, double keep, ConstraintsPolicy constraints) =>
        groups.ToDictionary(g => g.Id, g => constraints.Round((int)Math.Ceiling(g.Size * keep - 1e-9), g));


    private static double BisectUniformRatio(DependencyGraph graph, IReadOnlyList<ChannelGroup> groups, TargetPolicy budget, ConstraintsPolicy constraints)
    {
        var limit = Budget.For(budget, graph, groups);
        double low = 0, high = 1;
        for (var step = 0; step < 40; step++)
        {
            var mid = (low + high) / 2;
            if (limit.Meets(UniformCounts(groups, mid, constraints))) low = mid; else high = mid;
        }
        return low;
    }

    private static Dictionary<int, int> GlobalRanking(DependencyGraph graph, IReadOnlyList<ChannelGroup> groups,
        IReadOnlyDictionary<int, double[]> scores, TargetPolicy budget, ConstraintsPolicy constraints, bool normalise)
    {
        var limit = Budget.For(budget, graph, groups);
        // Channels are taken one at a time from the ranking, but a group ships its count rounded
        // up to roundTo, so every budget check is on the rounded counts: checking the raw counts
        // and rounding afterwards gives channels back and overshoots the budget.
        var raw = groups.ToDictionary(g => g.Id, g => g.Size);
        Dictionary<int, int> Rounded() => groups.ToDictionary(g => g.Id, g => constraints.Round(raw[g.Id], g));
        // Scores are normalised by the group's mean so that layers of different scale compare.
        var queue = new PriorityQueue<(int Group, int Rank), (double, int, int)>();
        var sorted = new Dictionary<int, double[]>();
        foreach (var g in groups)
        {
            var s = scores[g.Id];
            var mean = s.Average();
            var normalised = s.Select(v => normalise && mean > 0 ? v / mean : v).OrderBy(v => v).ToArray();
            sorted[g.Id] = normalised;
            queue.Enqueue((g.Id, 0), (normalised[0], g.Id, 0));
        }
        var removals = new List<int>();
        while (!limit.Meets(Rounded()) && queue.TryDequeue(out var next, out _))
        {
            var group = groups.First(g => g.Id == next.Group);
            if (raw[group.Id] - 1 < constraints.MinimumKept(group)) continue;
            raw[group.Id]--;
            removals.Add(group.Id);
            if (next.Rank + 1 < group.Size) queue.Enqueue((group.Id, next.Rank + 1), (sorted[group.Id][next.Rank + 1], group.Id, next.Rank + 1));
        }
        // Where one channel is worth a large share of the budget (a wide layer behind a frozen
        // one), the last removals overshoot it; give back the most important removed channels
        // that still fit, so the model keeps as much as the target allows.
        for (var i = removals.Count - 1; i >= 0; i--)
        {
            raw[removals[i]]++;
            if (!limit.Meets(Rounded())) raw[removals[i]]--;
        }
        return Rounded();
    }
}
