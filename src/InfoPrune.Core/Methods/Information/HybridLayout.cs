using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// Lays the paper's hybrid scheme (Section 6, Fig. 5) over any depth. The paper prunes a
/// two-hidden-layer MLP, ranking the first layer by mutual information and the second by KL
/// selectivity, and "fixed the ratio of neurons pruned from the first layer and the second layer
/// to 1:2, i.e., twice as many neurons are pruned from the second layer". So split [s, d] is a
/// ratio of <em>pruning amounts</em>, and here it is read as pruning <em>rates</em> (fractions of
/// each layer), which equals the paper's counts for its equal-width layers and stays feasible
/// for unequal ones. For n layers in graph order, the first ⌈n·s/(s+d)⌉ are shallow (for the
/// paper's n = 2 and [1, 2]: layer 1 shallow, layer 2 deep, as in the paper); shallow layers prune
/// at a rate ∝ s, deep ones at a rate ∝ d — deeper layers are more redundant (Sections 5.3, 6).
/// The rates apply when the target is a MACs or parameter budget, whose per-layer ratios the
/// method chooses; a ratio target promises the same kept fraction in every layer and keeps that
/// promise (the measures still differ by depth). Why not rates there too: the paper's nets have
/// equal widths; on a 784-300-100 ReLU MLP, 50% of the hidden units at 1:2 leaves 20 of the 100
/// deep units and loses to random pruning, while the uniform hybrid beats it.
/// </summary>
public static class HybridLayout
{
    /// <summary>The role of each group, given in depth (graph) order.</summary>
    public static IReadOnlyList<HybridLayer> Assign(IReadOnlyList<int> groupIdsInDepthOrder, HybridParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(groupIdsInDepthOrder);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Split.Length != 2 || parameters.Split.Any(w => !(w > 0) || double.IsInfinity(w)))
            throw new ArgumentException("the hybrid split needs two positive weights [shallow, deep]", nameof(parameters));
        double shallowWeight = parameters.Split[0], deepWeight = parameters.Split[1];
        var n = groupIdsInDepthOrder.Count;
        var shallowCount = ShallowCount(n, shallowWeight, deepWeight);
        return groupIdsInDepthOrder.Select((id, depth) => depth < shallowCount
                ? new HybridLayer(id, depth, true, parameters.Shallow, shallowWeight)
                : new HybridLayer(id, depth, false, parameters.Deep, deepWeight))
            .ToArray();
    }

    /// <summary>⌈n·s/(s+d)⌉ layers are shallow (at least one when there are layers).</summary>
    public static int ShallowCount(int layers, double shallowWeight, double deepWeight) =>
        layers == 0 ? 0 : Math.Clamp((int)Math.Ceiling(layers * shallowWeight / (shallowWeight + deepWeight) - 1e-9), 1, layers);
}
