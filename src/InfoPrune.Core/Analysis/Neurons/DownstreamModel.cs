using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// The part of a model that ablating one layer's units can change: the layers that read those
/// units and everything after them, as a model of its own whose inputs are the values entering
/// that part (the "frontier"). Those values do not change with the ablation, so they are computed
/// once and every ablation step runs only the downstream part — for an MLP's first hidden layer,
/// two small Gemms instead of the 784-wide one.
/// </summary>
internal sealed class DownstreamModel
{
    private DownstreamModel(OnnxModel model, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, string> biasOf)
    {
        Model = model;
        Inputs = inputs;
        BiasOf = biasOf;
    }

    /// <summary>The downstream part, runnable on its own.</summary>
    public OnnxModel Model { get; }

    /// <summary>The frontier values, in the order the downstream model takes them as inputs.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Per consumer node (display name): its own full-width bias initializer, so bias balancing can add to it in place.</summary>
    public IReadOnlyDictionary<string, string> BiasOf { get; }

    /// <summary>The values entering the nodes downstream of <paramref name="consumerNodes"/> (inclusive) from outside them.</summary>
    public static IReadOnlyList<string> Frontier(OnnxGraph graph, IReadOnlySet<string> consumerNodes) => Split(graph, consumerNodes).Frontier;

    /// <summary>
    /// Cuts the model after the frontier. <paramref name="inputTypes"/> gives each frontier value's
    /// element type and rank (as seen at run time). Consumer nodes whose op takes a bias input
    /// (Gemm, Conv: <see cref="WeightedLayerTraits.BiasInput"/>) get a private full-width bias,
    /// zero when they had none.
    /// </summary>
    public static DownstreamModel Build(OnnxModel model, IReadOnlySet<string> consumerNodes,
        IReadOnlyDictionary<string, (TensorElementType Type, int Rank)> inputTypes, IReadOnlyDictionary<string, long> outputWidths,
        OpRegistry registry)
    {
        var graph = model.Graph;
        var (nodes, frontier) = Split(graph, consumerNodes);
        var produced = nodes.SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        if (graph.Outputs.Count == 0 || !produced.Contains(graph.Outputs[0].Name))
            throw new InvalidOperationException("the ablated units do not reach the model's first output");

        var keep = nodes.Select(n => n.Index).ToHashSet();
        var used = nodes.SelectMany(n => n.Inputs).Where(i => i.Length > 0).ToHashSet(StringComparer.Ordinal);
        var biasOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var sub = model.Rewrite(proto =>
        {
            var g = proto.Graph;
            var kept = g.Node.Where((_, i) => keep.Contains(i)).ToList();
            g.Node.Clear();
            g.Node.AddRange(kept);
            g.Input.Clear();
            foreach (var name in frontier) g.Input.Add(ValueInfo(name, inputTypes[name].Type, inputTypes[name].Rank));
            var outputs = g.Output.Where(o => produced.Contains(o.Name)).ToList();
            g.Output.Clear();
            g.Output.AddRange(outputs);
            var frontierSet = frontier.ToHashSet(StringComparer.Ordinal);
            var infos = g.ValueInfo.Where(v => !frontierSet.Contains(v.Name)).ToList();
            g.ValueInfo.Clear();
            g.ValueInfo.AddRange(infos);
            var initializers = g.Initializer.Where(t => used.Contains(t.Name)).ToList();
            g.Initializer.Clear();
            g.Initializer.AddRange(initializers);

            var number = 0;
            foreach (var node in kept)
            {
                // A value has one producer, so a node's first output finds it in the analyzed graph.
                var layer = node.Output.Count > 0 ? graph.Producer(node.Output[0]) : null;
                if (layer == null || !consumerNodes.Contains(layer.DisplayName)) continue;
                if (registry.Find(layer)?.WeightedLayer(layer)?.BiasInput is not { } biasInput) continue;
                var name = $"infoprune_ablation_bias_{number++}";
                var width = outputWidths[layer.DisplayName];
                var values = new float[width];
                if (layer.HasInput(biasInput))
                {
                    // A broadcast bias (scalar or [1]) becomes one value per output so each can take its own correction.
                    var old = graph.Initializers[layer.Inputs[biasInput]].ToFloatArray();
                    for (var o = 0; o < width; o++) values[o] = old.Length == width ? old[o] : old[0];
                }
                while (node.Input.Count <= biasInput) node.Input.Add("");
                node.Input[biasInput] = name;
                g.Initializer.Add(OnnxTensor.FromFloats(name, new[] { width }, values).ToProto());
                biasOf[layer.DisplayName] = name;
            }
        });
        return new DownstreamModel(sub, frontier, biasOf);
    }

    private static (IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<string> Frontier) Split(OnnxGraph graph, IReadOnlySet<string> consumerNodes)
    {
        // Nodes are in topological order, so one pass finds every node that reads a changed value.
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        foreach (var node in graph.Nodes)
        {
            if (!consumerNodes.Contains(node.DisplayName) && !node.Inputs.Any(produced.Contains)) continue;
            nodes.Add(node);
            foreach (var output in node.Outputs.Where(o => o.Length > 0)) produced.Add(output);
        }
        var frontier = nodes.SelectMany(n => n.Inputs)
            .Where(i => i.Length > 0 && !produced.Contains(i) && !graph.Initializers.ContainsKey(i))
            .Distinct(StringComparer.Ordinal).ToArray();
        return (nodes, frontier);
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType type, int rank)
    {
        var shape = new TensorShapeProto();
        for (var d = 0; d < rank; d++) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = $"{name}_d{d}" });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
