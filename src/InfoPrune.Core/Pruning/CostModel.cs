using InfoPrune.Core.Analysis;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// Parameters and MACs of the model a plan would produce, without building it. A weighted
/// layer's MACs are its traced MACs times the kept fraction of its weight (a Conv/Gemm does one
/// MAC per weight element per output position; the op family names the weight input), other
/// ops' MACs stay as traced, and an initializer keeps the product of the kept fractions of its
/// sliced axes. Parameters are counted as <see cref="ParameterCounter"/> counts them (no BatchNorm
/// running statistics), so the report, `inspect` and a params target agree.
/// </summary>
public sealed class CostModel
{
    private readonly DependencyGraph _graph;
    private readonly Dictionary<string, List<(ChannelGroup Group, ChannelMember Member)>> _membersByInitializer;
    private readonly List<(string Weight, long Macs)> _layers;
    private readonly IReadOnlyList<OnnxTensor> _weights;

    public long OriginalParams { get; }
    public long OriginalMacs { get; }

    public CostModel(DependencyGraph graph)
    {
        _graph = graph;
        _membersByInitializer = graph.Groups.SelectMany(g => g.Members.Select(m => (g, m)))
            .GroupBy(x => x.m.Initializer)
            .ToDictionary(x => x.Key, x => x.ToList());
        _layers = graph.Trace.Where(t => t.Macs > 0).Select(t => (WeightOf(graph, t.Node), t.Macs)).ToList();
        _weights = ParameterCounter.WeightTensors(graph.Model.Graph, graph.Registry);
        OriginalParams = _weights.Sum(t => t.ElementCount);
        OriginalMacs = _layers.Sum(l => l.Macs);
    }

    /// <summary>The weight a layer's MACs scale with, or "" (nothing the plan slices) for an op that applies none.</summary>
    private static string WeightOf(DependencyGraph graph, OnnxNode node) =>
        graph.Registry.Find(node)?.WeightedLayer(node) is { } layer && node.HasInput(layer.WeightInput) ? node.Inputs[layer.WeightInput] : "";

    /// <summary>Fraction of an initializer's elements kept by the plan (given kept counts per group id).</summary>
    public double KeptFraction(string initializer, IReadOnlyDictionary<int, int> keptCounts)
    {
        if (!_membersByInitializer.TryGetValue(initializer, out var members)) return 1.0;
        var tensor = _graph.Model.Graph.Initializers[initializer];
        double fraction = 1;
        foreach (var axis in members.GroupBy(x => x.Member.Axis))
        {
            var width = (double)tensor.Shape[axis.Key];
            var kept = axis.Sum(x => (keptCounts.TryGetValue(x.Group.Id, out var k) ? k : x.Group.Size) * x.Member.Block);
            fraction *= kept / width;
        }
        return fraction;
    }

    public (long Params, long Macs) Cost(IReadOnlyDictionary<int, int> keptCounts)
    {
        double parameters = 0;
        foreach (var tensor in _weights) parameters += tensor.ElementCount * KeptFraction(tensor.Name, keptCounts);
        double macs = 0;
        foreach (var (weight, layerMacs) in _layers) macs += layerMacs * KeptFraction(weight, keptCounts);
        return ((long)Math.Round(parameters), (long)Math.Round(macs));
    }

    public (long Params, long Macs) Cost(PruningPlan plan) =>
        Cost(plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept));
}
