using System.Security.Cryptography;
using Google.Protobuf;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Latency;

/// <summary>
/// A small model that times one channel group at one width: every node that reads or writes a
/// value carrying the group's channels (its producing layers, the per-channel ops on them, the
/// layers that read them), cut out of the model pruned to that width. Cutting the neighbourhood
/// rather than one layer keeps what ONNX Runtime does across it (fusing a Conv with its
/// BatchNormalization and activation, blocked-layout regions and the reorders at their edges),
/// which is what makes a width fast or slow.
/// </summary>
/// <param name="Bytes">The probe as ONNX bytes.</param>
/// <param name="Inputs">The probe's inputs (fed with zeros) and their shapes at the timing batch.</param>
/// <param name="Signature">
/// A hash of everything that decides the probe's speed (ops, attributes, wiring, shapes, integer
/// constants) and nothing else (names, float weights), so equal neighbourhoods of different
/// layers, or of the same layer in another run, share one measurement.
/// </param>
internal sealed record GroupProbe(byte[] Bytes, IReadOnlyList<(string Name, long[] Shape)> Inputs, string Signature)
{
    /// <summary>
    /// The probe of <paramref name="group"/> kept at its first <paramref name="width"/> channels, every
    /// other group whole, with inputs at <paramref name="batch"/> samples.
    /// </summary>
    public static GroupProbe Build(DependencyGraph graph, ChannelGroup group, int width, int batch)
    {
        var plan = width >= group.Size
            ? PruningPlan.KeepAll
            : new PruningPlan(new[] { new GroupDecision(group.Id, Enumerable.Range(0, width).ToArray(), "latency probe") });
        var model = width >= group.Size ? graph.Model : Surgery.Apply(graph, plan);
        var source = graph.Model.Graph;
        var members = Neighbourhood(graph, group);

        var produced = members.SelectMany(n => n.Outputs).Where(o => o.Length > 0).ToHashSet(StringComparer.Ordinal);
        var read = members.SelectMany(n => n.Inputs).Where(i => i.Length > 0).ToHashSet(StringComparer.Ordinal);
        var proto = model.CloneProto();
        var outputsOfMembers = members.Select(n => n.Outputs[0]).ToHashSet(StringComparer.Ordinal);
        var nodes = proto.Graph.Node.Where(n => n.Output.Count > 0 && outputsOfMembers.Contains(n.Output[0])).ToList();
        var initializers = proto.Graph.Initializer.Where(t => read.Contains(t.Name)).ToList();
        var initializerNames = initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var inputs = new List<(string Name, long[] Shape)>();
        foreach (var value in read.Where(v => !produced.Contains(v) && !initializerNames.Contains(v)).OrderBy(v => v, StringComparer.Ordinal))
        {
            var shape = (long[])(graph.Shapes.TryGetValue(value, out var traced) ? traced : throw new InvalidOperationException($"no traced shape for '{value}'")).Clone();
            // Traced at batch 1: the leading 1 of a data tensor is the batch.
            if (shape.Length > 0 && shape[0] == 1) shape[0] = batch;
            if (shape.Length > 1 && graph.Spaces.TryGetValue(value, out var space)) shape[1] = Surgery.KeptWidth(space, plan);
            inputs.Add((value, shape));
        }
        // Outputs: the channel tensors that leave the neighbourhood (or end the model). Other values
        // leaving it (a Shape read outside) are dropped, and ONNX Runtime prunes what only fed them.
        var outputs = members.SelectMany(n => n.Outputs)
            .Where(o => o.Length > 0 && graph.Spaces.ContainsKey(o)
                        && (source.IsGraphOutput(o) || source.Consumers(o).Any(c => !members.Contains(c))))
            .Distinct().ToList();
        if (outputs.Count == 0)
            outputs = members.SelectMany(n => n.Outputs).Where(o => o.Length > 0 && graph.Spaces.ContainsKey(o) && !members.Any(m => m.Inputs.Contains(o))).ToList();

        var probe = new ModelProto { IrVersion = proto.IrVersion, ProducerName = "infoprune-latency-probe", Graph = new GraphProto { Name = "probe" } };
        probe.OpsetImport.AddRange(proto.OpsetImport);
        probe.Graph.Node.AddRange(nodes);
        probe.Graph.Initializer.AddRange(initializers);
        foreach (var (name, shape) in inputs) probe.Graph.Input.Add(FloatValue(name, shape));
        foreach (var name in outputs) probe.Graph.Output.Add(FloatValue(name, null));
        return new GroupProbe(probe.ToByteArray(), inputs, SignatureOf(probe));
    }

    /// <summary>Multiply-accumulates of one sample through the group's neighbourhood at full width.</summary>
    public static long SampleMacs(DependencyGraph graph, ChannelGroup group)
    {
        var members = Neighbourhood(graph, group);
        return graph.Trace.Where(t => members.Contains(t.Node)).Sum(t => t.Macs);
    }

    /// <summary>
    /// The nodes that read or write the group's values, plus whatever computes their non-channel
    /// inputs (shape constants, Constant nodes), so the probe is self-contained.
    /// </summary>
    private static HashSet<OnnxNode> Neighbourhood(DependencyGraph graph, ChannelGroup group)
    {
        var source = graph.Model.Graph;
        var values = group.Values.ToHashSet(StringComparer.Ordinal);
        var members = source.Nodes.Where(n => n.Inputs.Any(values.Contains) || n.Outputs.Any(values.Contains)).ToHashSet();
        var pending = new Stack<OnnxNode>(members);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                if (source.Initializers.ContainsKey(input) || source.IsGraphInput(input) || graph.Spaces.ContainsKey(input)) continue;
                if (source.Producer(input) is { } producer && members.Add(producer)) pending.Push(producer);
            }
        }
        return members;
    }

    private static ValueInfoProto FloatValue(string name, long[]? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape != null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>The probe with names replaced by their order of appearance and float data dropped, hashed.</summary>
    private static string SignatureOf(ModelProto probe)
    {
        var canonical = probe.Clone();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Rename(string name) => name.Length == 0 ? name : names.TryGetValue(name, out var n) ? n : names[name] = "v" + names.Count;
        var g = canonical.Graph;
        foreach (var input in g.Input) input.Name = Rename(input.Name);
        foreach (var node in g.Node)
        {
            node.Name = "";
            node.ClearDocString();
            for (var i = 0; i < node.Input.Count; i++) node.Input[i] = Rename(node.Input[i]);
            for (var i = 0; i < node.Output.Count; i++) node.Output[i] = Rename(node.Output[i]);
        }
        foreach (var output in g.Output) output.Name = Rename(output.Name);
        foreach (var tensor in g.Initializer)
        {
            tensor.Name = Rename(tensor.Name);
            if (tensor.DataType is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Double
                or (int)TensorProto.Types.DataType.Float16 or (int)TensorProto.Types.DataType.Bfloat16)
            {
                tensor.RawData = ByteString.Empty;
                tensor.FloatData.Clear();
                tensor.DoubleData.Clear();
                tensor.Int32Data.Clear();
            }
        }
        // Initializers are listed in model order; sort them so that order does not split equal probes.
        var sorted = g.Initializer.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        g.Initializer.Clear();
        g.Initializer.AddRange(sorted);
        return Convert.ToHexString(SHA256.HashData(canonical.ToByteArray()))[..32].ToLowerInvariant();
    }
}
