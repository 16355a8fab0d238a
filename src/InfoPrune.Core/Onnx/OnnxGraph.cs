using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Onnx;

/// <summary>
/// The immutable graph IR: nodes in a checked topological order, decoded initializers, declared
/// inputs/outputs/value infos, and producer/consumer lookups by value name.
/// </summary>
public sealed class OnnxGraph
{
    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }
    /// <summary>Inputs the caller feeds (graph inputs that are not initializers).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }
    /// <summary>Every declared value (inputs, outputs and value_info), by name.</summary>
    public IReadOnlyDictionary<string, OnnxValueInfo> ValueInfos { get; }

    private readonly Dictionary<string, OnnxNode> _producers;
    private readonly Dictionary<string, List<OnnxNode>> _consumers;

    internal OnnxGraph(GraphProto proto, IReadOnlyDictionary<string, long> opsets, string? baseDirectory, string? modelPath)
    {
        Name = proto.Name;
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var t in proto.Initializer)
            initializers[t.Name] = OnnxTensor.FromProto(t, baseDirectory, modelPath);
        Initializers = initializers;

        Inputs = proto.Input.Where(i => !initializers.ContainsKey(i.Name)).Select(OnnxValueInfo.FromProto).ToArray();
        Outputs = proto.Output.Select(OnnxValueInfo.FromProto).ToArray();
        var infos = new Dictionary<string, OnnxValueInfo>(StringComparer.Ordinal);
        foreach (var v in proto.ValueInfo.Concat(proto.Input).Concat(proto.Output))
            infos[v.Name] = OnnxValueInfo.FromProto(v);
        ValueInfos = infos;

        Nodes = OrderTopologically(proto, opsets, initializers, baseDirectory, modelPath);
        _producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        _consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            foreach (var output in node.Outputs.Where(o => o.Length > 0)) _producers[output] = node;
            foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = new List<OnnxNode>();
                list.Add(node);
            }
        }
    }

    /// <summary>The node that produces a value, or null for inputs and initializers.</summary>
    public OnnxNode? Producer(string valueName) => _producers.GetValueOrDefault(valueName);

    /// <summary>The nodes that read a value, in graph order.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string valueName) =>
        _consumers.TryGetValue(valueName, out var list) ? list : Array.Empty<OnnxNode>();

    public bool IsGraphOutput(string valueName) => Outputs.Any(o => o.Name == valueName);
    public bool IsGraphInput(string valueName) => Inputs.Any(i => i.Name == valueName);

    /// <summary>
    /// ONNX requires nodes in topological order, but some exporters break the rule; a stable
    /// Kahn sort keeps the file's order where it is valid. Values used but never produced and
    /// cycles are reported, every one of them, with the node names involved.
    /// </summary>
    private static IReadOnlyList<OnnxNode> OrderTopologically(GraphProto proto, IReadOnlyDictionary<string, long> opsets,
        IReadOnlyDictionary<string, OnnxTensor> initializers, string? baseDirectory, string? modelPath)
    {
        var bag = new DiagnosticBag();
        var available = new HashSet<string>(initializers.Keys, StringComparer.Ordinal);
        foreach (var input in proto.Input) available.Add(input.Name);

        var producedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Node.Count; i++)
        {
            foreach (var output in proto.Node[i].Output.Where(o => o.Length > 0))
            {
                if (!producedBy.TryAdd(output, i) || available.Contains(output))
                    bag.Error(OnnxErrors.DuplicateOutput, $"value '{output}' is produced twice (node '{NameOf(proto.Node[i], i)}')", modelPath);
            }
        }
        for (var i = 0; i < proto.Node.Count; i++)
        {
            foreach (var input in proto.Node[i].Input.Where(n => n.Length > 0))
            {
                if (!available.Contains(input) && !producedBy.ContainsKey(input))
                    bag.Error(OnnxErrors.BrokenGraph, $"node '{NameOf(proto.Node[i], i)}' reads '{input}', which no node, input or initializer provides", modelPath);
            }
        }
        bag.ThrowIfErrors();

        var order = new List<int>(proto.Node.Count);
        var done = new bool[proto.Node.Count];
        var progress = true;
        while (order.Count < proto.Node.Count && progress)
        {
            progress = false;
            for (var i = 0; i < proto.Node.Count; i++)
            {
                if (done[i]) continue;
                if (proto.Node[i].Input.All(n => n.Length == 0 || available.Contains(n)))
                {
                    done[i] = true;
                    order.Add(i);
                    foreach (var o in proto.Node[i].Output) available.Add(o);
                    progress = true;
                }
            }
        }
        if (order.Count < proto.Node.Count)
        {
            var stuck = Enumerable.Range(0, proto.Node.Count).Where(i => !done[i]).Select(i => NameOf(proto.Node[i], i));
            throw new InfoPruneException(OnnxErrors.BrokenGraph, $"the graph has a cycle through nodes: {string.Join(", ", stuck)}", modelPath);
        }

        var nodes = new List<OnnxNode>(order.Count);
        foreach (var i in order)
        {
            var p = proto.Node[i];
            var domain = p.Domain == "ai.onnx" ? "" : p.Domain;
            var opset = opsets.TryGetValue(domain, out var v) ? v : 0;
            var attributes = p.Attribute.ToDictionary(a => a.Name, a => new OnnxAttribute(a, baseDirectory, modelPath), StringComparer.Ordinal);
            nodes.Add(new OnnxNode(nodes.Count, p.Name, p.OpType, domain, opset, p.Input.ToArray(), p.Output.ToArray(), attributes));
        }
        return nodes;
    }

    private static string NameOf(NodeProto node, int index) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType}#{index}";
}
