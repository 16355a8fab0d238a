using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// Turns information scores into a plan: which units go (lowest scores within each layer, at
/// the layer's rate; or, on explicit request only, lowest raw scores across layers), and which
/// groups get bias balancing.
/// </summary>
internal static class InformationPlanner
{
    /// <summary>
    /// The plan. A ratio target keeps its contract — every layer keeps that fraction (the engine's
    /// <see cref="ChannelSelector"/>). Under a MACs or parameter budget, where the per-layer ratios
    /// are the method's to choose, the policy's <c>constraints.allocation</c> shares the budget; with
    /// "auto", layers prune at rates ∝ <paramref name="pruneWeights"/> (null: the engine's uniform
    /// ratio, or its allocation by measured sensitivity when the pipeline resolved "auto" to it).
    /// </summary>
    public static PruningPlan Plan(string methodName, DependencyGraph graph, ActivationMeasurements measurements,
        IReadOnlyDictionary<int, double[]> scores, IReadOnlyDictionary<int, double>? pruneWeights, Func<int, string> layerReason,
        MeasureSettings settings, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var candidates = graph.PrunableGroups.Where(g => scores.ContainsKey(g.Id) && !constraints.Excludes(g.Producers)).ToList();
        // The reasons name what was ranked: the measure, and how weight magnitude entered it.
        var scoreName = MagnitudeWeighting.ScoreName(methodName, settings.Magnitude);
        PruningPlan selection;
        if (settings.CrossLayer && target.Kind == TargetKind.Ratio)
            selection = ChannelSelector.Decide(candidates, scores, GlobalRanking(candidates, scores, target.Fraction, constraints),
                _ => $"{scoreName}: lowest scores across all layers removed (cross-layer ranking), keeping {target.Fraction:P0} of the units", methodName);
        else if (settings.CrossLayer || pruneWeights == null || target.Kind == TargetKind.Ratio || constraints.Allocation != LayerAllocation.Auto)
            selection = ChannelSelector.Select(graph, scores, target, constraints, settings.CrossLayer, scoreName);
        else
            selection = ChannelSelector.Decide(candidates, scores, LayerRatioAllocation.KeptCounts(graph, candidates, pruneWeights, target, constraints),
                id => settings.Magnitude == MagnitudeBlend.None ? layerReason(id) : $"{layerReason(id)}, ranked with weight magnitude ({MagnitudeWeighting.Names.NameOf(settings.Magnitude)})", methodName);

        var compensated = candidates
            .Where(g => measurements.Groups.TryGetValue(g.Id, out var m) && CompensationRule.Compensates(settings.Compensation, m.Probe.Activation))
            .Select(g => g.Id);
        return new PruningPlan(selection.Decisions.Values, measurements.MeanActivations, compensated);
    }

    /// <summary>
    /// Whole-network ranking on raw scores, as in the paper's Section 5.2 (Fig. 3): the lowest
    /// units anywhere go until only the kept fraction of all units remains, each group keeping its minimum.
    /// </summary>
    private static Dictionary<int, int> GlobalRanking(IReadOnlyList<ChannelGroup> groups, IReadOnlyDictionary<int, double[]> scores,
        double keepFraction, ConstraintsPolicy constraints)
    {
        var total = groups.Sum(g => (long)g.Size);
        var toRemove = total - (long)Math.Ceiling(total * keepFraction - 1e-9);
        var kept = groups.ToDictionary(g => g.Id, g => g.Size);
        var units = groups.SelectMany(g => scores[g.Id].Select((s, i) => (Score: s, Group: g, Index: i)))
            .OrderBy(u => u.Score).ThenBy(u => u.Group.Id).ThenBy(u => u.Index);
        foreach (var unit in units)
        {
            if (toRemove == 0) break;
            if (kept[unit.Group.Id] - 1 < constraints.MinimumKept(unit.Group)) continue;
            kept[unit.Group.Id]--;
            toRemove--;
        }
        return groups.ToDictionary(g => g.Id, g => constraints.Round(kept[g.Id], g));
    }
}
