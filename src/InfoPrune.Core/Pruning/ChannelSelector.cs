using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// Turns per-channel importance scores into a plan that meets a target within the constraints.
/// A uniform ratio keeps the same fraction of every group (ranking within the group). A budget is
/// shared between layers as <see cref="ConstraintsPolicy.Allocation"/> says: by global ranking
/// (scores normalised per group, least important channel anywhere removed first — the default only
/// for methods whose scores compare across layers), by the smallest uniform ratio that meets it,
/// found by bisection, or by measured sensitivity (<see cref="SensitivityAllocation"/>); ranking
/// within each layer is the method's either way.
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
        else
        {
            var allocation = Resolve(constraints.Allocation, rankAcrossLayers);
            (kept, reason) = allocation switch
            {
                LayerAllocation.Global => (GlobalRanking(graph, candidates, scores, target, constraints, normalisePerGroup),
                    $"{methodName}: removed by global ranking to keep {target.Fraction:P0} of {target.Kind}"),
                LayerAllocation.Sensitivity => (SensitivityAllocation.KeptCounts(graph, candidates,
                        constraints.Sensitivity ?? throw new ArgumentException("allocation by sensitivity needs the measured sensitivity (ConstraintsPolicy.Sensitivity)", nameof(constraints)),
                        target, constraints),
                    $"{methodName}: lowest-scoring channels of the group removed; layer widths chosen by measured sensitivity to keep {target.Fraction:P0} of {target.Kind}"),
                _ => UniformPlan(graph, candidates, target, constraints, methodName),
            };
        }

        var sensitivity = target.Kind != TargetKind.Ratio && Resolve(constraints.Allocation, rankAcrossLayers) == LayerAllocation.Sensitivity ? constraints.Sensitivity : null;
        string ReasonFor(ChannelGroup g) => sensitivity?.Covers(g.Id) == true
            ? $"{reason} (alone, this width raises the calibration loss by {sensitivity.Cost(g.Id, kept[g.Id]).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} nats)"
            : reason;
        var decisions = candidates.Select(g => new GroupDecision(g.Id,
            order[g.Id].Skip(g.Size - kept[g.Id]).OrderBy(i => i).ToArray(), kept[g.Id] < g.Size ? ReasonFor(g) : $"{methodName}: kept whole")).ToList();
        return new PruningPlan(decisions);
    }

    /// <summary>The allocation a budget is met with: the policy's, or for "auto" global ranking when scores compare across layers, else uniform.</summary>
    public static LayerAllocation Resolve(LayerAllocation requested, bool rankAcrossLayers) =>
        requested != LayerAllocation.Auto ? requested : rankAcrossLayers ? LayerAllocation.Global : LayerAllocation.Uniform;

    private static (Dictionary<int, int>, string) UniformPlan(DependencyGraph graph, IReadOnlyList<ChannelGroup> candidates, TargetPolicy target,
        ConstraintsPolicy constraints, string methodName)
    {
        var keep = BisectUniformRatio(graph, candidates, target, constraints);
        var kept = WidthBudgetFill.Fill(candidates, UniformCounts(candidates, keep, constraints), constraints, Budget.For(target, graph, candidates).Meets);
        return (kept, $"{methodName}: lowest-scoring channels of the group removed; a uniform keep ratio of {keep:P1} keeps {target.Fraction:P0} of {target.Kind}");
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
