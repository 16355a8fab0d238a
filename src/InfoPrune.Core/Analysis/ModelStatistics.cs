using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Analysis;

/// <summary>
/// What <c>infoprune inspect</c> reports about a model: its interface, operator usage, parameter
/// count and cost. Whatever can be computed is, even for a model the tool cannot run: then
/// <see cref="Layers"/> is null and <see cref="MacsUnavailableReason"/> says why.
/// </summary>
public sealed class ModelStatistics
{
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }
    /// <summary>Node count per operator type (domain-qualified outside the default domain), sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OperatorCounts { get; }
    /// <summary>Learned weights, counted as <see cref="ParameterCounter"/> documents.</summary>
    public long ParameterCount { get; }
    /// <summary>Operators no family implements; empty when the model can run.</summary>
    public IReadOnlyList<UnsupportedOperator> Unsupported { get; }
    /// <summary>Every node's cost in graph order for a batch-1 input, or null when the model could not be traced.</summary>
    public IReadOnlyList<LayerCost>? Layers { get; }
    public string? MacsUnavailableReason { get; }
    /// <summary>Total multiply-accumulates per sample, or null when not traced.</summary>
    public long? TotalMacs => Layers?.Sum(l => l.Macs);
    /// <summary>The channel groups (prunable or frozen, with reasons); null when the model cannot be traced.</summary>
    public IReadOnlyList<ChannelGroup>? Groups { get; private init; }

    private ModelStatistics(OnnxModel model, OpRegistry registry, IReadOnlyList<UnsupportedOperator> unsupported,
        IReadOnlyList<LayerCost>? layers, string? macsUnavailableReason)
    {
        Inputs = model.Graph.Inputs;
        Outputs = model.Graph.Outputs;
        OperatorCounts = model.Graph.Nodes
            .GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}.{n.OpType}")
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToArray();
        ParameterCount = ParameterCounter.Count(model.Graph, registry);
        Unsupported = unsupported;
        Layers = layers;
        MacsUnavailableReason = macsUnavailableReason;
    }

    /// <summary>
    /// Computes the statistics. MACs are traced only when every operator is supported; other
    /// problems while tracing (bad attributes) are thrown as they are for any run.
    /// </summary>
    public static ModelStatistics Compute(OnnxModel model, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var unsupported = registry.FindUnsupported(model.Graph);
        if (unsupported.Count > 0)
            return new ModelStatistics(model, registry, unsupported, null, "the model uses unsupported operators");
        var reason = MacCounter.WhyNotTraceable(model.Graph);
        if (reason != null)
            return new ModelStatistics(model, registry, unsupported, null, reason);
        var graph = DependencyGraph.Analyze(model, registry);
        return new ModelStatistics(model, registry, unsupported, MacCounter.Trace(model, registry), null) { Groups = graph.Groups };
    }
}
