using InfoPrune.Core.Graph;

namespace InfoPrune.Core.Pruning;

/// <summary>The decision for one group: which channels stay, and why.</summary>
public sealed record GroupDecision(int GroupId, IReadOnlyList<int> Keep, string Reason)
{
    public int Kept => Keep.Count;
}

/// <summary>
/// What to remove, decided once and applied in one step by <see cref="Surgery"/>: kept channel
/// indices per group (groups not listed keep everything), and optional bias balancing — the
/// mean activation of each removed channel, per consumed value, folded into the consumer's bias.
/// </summary>
public sealed class PruningPlan
{
    public IReadOnlyDictionary<int, GroupDecision> Decisions { get; }
    /// <summary>Per consumed value: mean activation of each entry of its channel axis (for bias balancing).</summary>
    public IReadOnlyDictionary<string, float[]> MeanActivations { get; }
    /// <summary>Groups whose removed channels are replaced by their mean (bias balancing).</summary>
    public IReadOnlySet<int> CompensatedGroups { get; }

    public PruningPlan(IEnumerable<GroupDecision> decisions, IReadOnlyDictionary<string, float[]>? meanActivations = null, IEnumerable<int>? compensatedGroups = null)
    {
        Decisions = decisions.ToDictionary(d => d.GroupId);
        MeanActivations = meanActivations ?? new Dictionary<string, float[]>();
        CompensatedGroups = (compensatedGroups ?? Array.Empty<int>()).ToHashSet();
    }

    /// <summary>A plan that keeps everything.</summary>
    public static PruningPlan KeepAll { get; } = new(Array.Empty<GroupDecision>());

    /// <summary>The kept indices of a group (all when the plan does not mention it).</summary>
    public IReadOnlyList<int> KeptIndices(ChannelGroup group) =>
        Decisions.TryGetValue(group.Id, out var d) ? d.Keep : Enumerable.Range(0, group.Size).ToArray();

    /// <summary>Checks the plan against the graph: known, prunable groups; sorted, distinct, in-range indices; at least one kept.</summary>
    public void Validate(DependencyGraph graph)
    {
        foreach (var (id, decision) in Decisions)
        {
            if (id < 0 || id >= graph.Groups.Count) throw new ArgumentException($"plan names group {id}, which does not exist");
            var group = graph.Groups[id];
            if (decision.Keep.Count == group.Size) continue;
            if (!group.IsPrunable) throw new ArgumentException($"plan prunes {group}, which is frozen");
            if (decision.Keep.Count == 0) throw new ArgumentException($"plan removes every channel of {group}");
            for (var i = 0; i < decision.Keep.Count; i++)
            {
                if (decision.Keep[i] < 0 || decision.Keep[i] >= group.Size || (i > 0 && decision.Keep[i] <= decision.Keep[i - 1]))
                    throw new ArgumentException($"plan for {group} must list distinct indices in 0..{group.Size - 1}, ascending");
            }
        }
    }
}
