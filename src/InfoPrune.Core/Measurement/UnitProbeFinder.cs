using InfoPrune.Core.Graph;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Decides which value to capture for each prunable group. The value a consumer layer reads is
/// what the network uses of the channel, so it is what ablation (the paper's Section 5) and bias
/// balancing (eq. 7) are about: for Conv→ReLU→MaxPool→Flatten→Gemm that is the flattened
/// [N, C·H·W] value, one H·W block per channel.
/// </summary>
public static class UnitProbeFinder
{
    /// <summary>The probe of every prunable group that has a readable value, by group id.</summary>
    public static IReadOnlyDictionary<int, UnitProbe> ForPrunableGroups(DependencyGraph graph)
    {
        var probes = new Dictionary<int, UnitProbe>();
        foreach (var group in graph.PrunableGroups)
            if (For(graph, group) is { } probe) probes[group.Id] = probe;
        return probes;
    }

    /// <summary>
    /// The probe for one group: the consumed value of its first consumer layer (graph order) whose
    /// channel layout the analysis knows; without a consumer, the producer's own output. Null when
    /// neither is traced.
    /// </summary>
    public static UnitProbe? For(DependencyGraph graph, ChannelGroup group)
    {
        var consumed = group.Members.Where(m => m.Role == MemberRole.Consumer && m.ConsumedValue != null)
            .Select(m => m.ConsumedValue!);
        var produced = graph.Model.Graph.Nodes.Where(n => group.Producers.Contains(n.DisplayName))
            .SelectMany(n => n.Outputs);
        foreach (var value in consumed.Concat(produced))
            if (Locate(graph, group, value) is { } probe) return probe;
        return null;
    }

    private static UnitProbe? Locate(DependencyGraph graph, ChannelGroup group, string value)
    {
        if (!graph.Spaces.TryGetValue(value, out var space) || !graph.Shapes.TryGetValue(value, out var shape)) return null;
        if (shape.Length < 2 || shape[1] != space.Width) return null;
        long offset = 0;
        foreach (var segment in space.Segments)
        {
            if (segment.Group.Root() == group)
                return new UnitProbe(group.Id, value, space.Width, offset, segment.Block,
                    ActivationTracer.ActivationOf(graph.Model.Graph, value, graph.Registry));
            offset += segment.Group.Size * segment.Block;
        }
        return null;
    }

    /// <summary>Every value a consumer layer of a prunable group reads: bias balancing needs each one's per-entry means.</summary>
    public static IReadOnlyCollection<string> ConsumedValues(DependencyGraph graph) =>
        graph.PrunableGroups.SelectMany(g => g.Members)
            .Where(m => m.Role == MemberRole.Consumer && m.ConsumedValue != null && graph.Spaces.ContainsKey(m.ConsumedValue))
            .Select(m => m.ConsumedValue!)
            .ToHashSet(StringComparer.Ordinal);
}
