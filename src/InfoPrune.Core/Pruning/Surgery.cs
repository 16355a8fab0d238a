using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// Applies a <see cref="PruningPlan"/> to a model in one step: every initializer slice owned by a
/// removed channel goes, channel-count attributes and shape constants follow the new widths,
/// declared shapes of affected values are updated, and (optionally) each removed channel's mean
/// activation is folded into the bias of the layers that read it. Returns a new model; the input
/// is not touched. Tensors nobody prunes keep their exact bytes.
/// </summary>
public static class Surgery
{
    public static OnnxModel Apply(DependencyGraph graph, PruningPlan plan)
    {
        plan.Validate(graph);
        var model = graph.Model;
        var changed = graph.Groups.Where(g => plan.KeptIndices(g).Count != g.Size).ToList();
        if (changed.Count == 0) return graph.SourceModel;

        var newTensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        OnnxTensor Current(string name) => newTensors.TryGetValue(name, out var t) ? t : model.Graph.Initializers[name];

        // Bias balancing first, on the unsliced weights, so the removed inputs' weights are still there.
        var newBiases = new Dictionary<string, NewBias>(StringComparer.Ordinal);
        foreach (var group in changed.Where(g => plan.CompensatedGroups.Contains(g.Id)))
            FoldRemovedMeans(graph, plan, group, newTensors, newBiases);

        // Which groups own each (initializer, axis); slice every axis a changed group owns.
        var owners = graph.Groups.SelectMany(g => g.Members.Select(m => (Group: g, Member: m)))
            .ToLookup(x => (x.Member.Initializer, x.Member.Axis));
        foreach (var axis in owners.Where(axis => axis.Any(x => changed.Contains(x.Group))))
            newTensors[axis.Key.Initializer] = TensorSlicing.Select(Current(axis.Key.Initializer), axis.Key.Axis, KeptPositions(axis, plan));

        return model.Rewrite(proto =>
        {
            var g = proto.Graph;
            for (var i = 0; i < g.Initializer.Count; i++)
                if (newTensors.TryGetValue(g.Initializer[i].Name, out var tensor))
                    g.Initializer[i] = tensor.ToProto(g.Initializer[i]);
            foreach (var (biasName, bias) in newBiases)
            {
                // Built at the layer's full width; its outputs may be pruned by another group.
                var outputOwners = owners[(bias.Weight, bias.OutputAxis)];
                AddBias(g, bias.Node, bias.BiasInput, biasName, outputOwners.Any()
                    ? KeptPositions(outputOwners, plan).Select(o => bias.Values[o]).ToArray()
                    : bias.Values);
            }
            foreach (var edit in graph.CountEdits)
                ApplyCountEdit(g, edit, KeptWidth(edit.Space, plan));
            UpdateDeclaredShapes(g, graph, plan);
        });
    }

    /// <summary>A bias the balancing adds (as input <paramref name="BiasInput"/>) to a layer that had none, at the layer's unpruned width.</summary>
    private sealed record NewBias(string Node, int BiasInput, string Weight, int OutputAxis, float[] Values);

    /// <summary>The positions along one (initializer, axis) that the plan keeps, in order, from the groups that own it.</summary>
    internal static List<long> KeptPositions(IEnumerable<(ChannelGroup Group, ChannelMember Member)> owners, PruningPlan plan)
    {
        var keep = new List<long>();
        foreach (var (group, member) in owners.OrderBy(x => x.Member.Offset))
            foreach (var channel in plan.KeptIndices(group))
                for (long k = 0; k < member.Block; k++)
                    keep.Add(member.Offset + channel * member.Block + k);
        keep.Sort();
        return keep;
    }

    /// <summary>
    /// The positions along <paramref name="axis"/> of <paramref name="initializer"/> that
    /// <paramref name="plan"/> keeps, or null when no group owns that axis (nothing is cut there).
    /// </summary>
    public static IReadOnlyList<long>? KeptPositions(DependencyGraph graph, PruningPlan plan, string initializer, int axis)
    {
        var owners = graph.Groups.SelectMany(g => g.Members.Where(m => m.Initializer == initializer && m.Axis == axis).Select(m => (Group: g, Member: m))).ToList();
        return owners.Count == 0 ? null : KeptPositions(owners, plan);
    }

    /// <summary>The width of a space after the plan.</summary>
    public static long KeptWidth(ChannelSpace space, PruningPlan plan) =>
        space.Segments.Sum(s => plan.KeptIndices(s.Group.Root()).Count * s.Block);

    private static void FoldRemovedMeans(DependencyGraph graph, PruningPlan plan, ChannelGroup group,
        Dictionary<string, OnnxTensor> newTensors, Dictionary<string, NewBias> newBiases)
    {
        var kept = plan.KeptIndices(group).ToHashSet();
        var removed = Enumerable.Range(0, group.Size).Where(i => !kept.Contains(i)).ToArray();
        foreach (var member in group.Members.Where(m => m.Role == MemberRole.Consumer && m.ConsumedValue != null))
        {
            if (!plan.MeanActivations.TryGetValue(member.ConsumedValue!, out var means)) continue;
            var node = graph.Model.Graph.Nodes.First(n => n.DisplayName == member.Node);
            var family = graph.Registry.Find(node);
            // Only weighted layers read a group as consumers; their family says where outputs and bias are.
            if (family?.WeightedLayer(node) is not { } layer) continue;
            var weight = graph.Model.Graph.Initializers[member.Initializer];
            var outAxis = layer.WeightOutputAxis;
            var outWidth = (int)weight.Shape[outAxis];
            var delta = new double[outWidth];
            var w = weight.Floats;
            var shape = weight.Shape.ToArray();
            var strides = new long[shape.Length];
            strides[^1] = 1;
            for (var d = shape.Length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
            for (long flat = 0; flat < w.Length; flat++)
            {
                var channel = member.ChannelOf(flat, shape, group.Size);
                if (channel < 0 || kept.Contains(channel)) continue;
                var inIndex = flat / strides[member.Axis] % shape[member.Axis];
                if (inIndex >= means.Length) continue;
                var o = flat / strides[outAxis] % shape[outAxis];
                delta[o] += w[(int)flat] * means[inIndex];
            }
            if (removed.Length == 0) continue;

            var biasName = family.BiasInitializer(node, graph.Model.Graph);
            if (biasName != null)
            {
                var bias = newTensors.TryGetValue(biasName, out var t) ? t : graph.Model.Graph.Initializers[biasName];
                var values = bias.ToFloatArray();
                if (values.Length != outWidth) continue; // a broadcast bias cannot take per-output corrections
                for (var o = 0; o < outWidth; o++) values[o] += (float)delta[o];
                newTensors[biasName] = OnnxTensor.FromFloats(biasName, bias.Shape.ToArray(), values, bias.StoredType);
            }
            else if (layer.BiasInput is { } biasInput && !node.HasInput(biasInput))
            {
                var name = $"{node.DisplayName}.infoprune_bias";
                var values = newBiases.TryGetValue(name, out var existing) ? existing.Values : new float[outWidth];
                for (var o = 0; o < outWidth; o++) values[o] += (float)delta[o];
                newBiases[name] = new NewBias(node.Name.Length > 0 ? node.Name : node.DisplayName, biasInput, member.Initializer, outAxis, values);
            }
            // Otherwise (a MatMul with no Add of a bias after it, a bias computed at run time) there
            // is nowhere to put the correction; the channel is removed uncompensated, as without balancing.
        }
    }

    private static void AddBias(GraphProto g, string nodeName, int biasInput, string biasName, float[] values)
    {
        var node = FindNode(g, nodeName);
        while (node.Input.Count <= biasInput) node.Input.Add("");
        node.Input[biasInput] = biasName;
        g.Initializer.Add(OnnxTensor.FromFloats(biasName, new long[] { values.Length }, values).ToProto());
    }

    private static void ApplyCountEdit(GraphProto g, CountEdit edit, long width)
    {
        switch (edit.Kind)
        {
            case CountEditKind.IntAttribute:
                FindNode(g, edit.Node).Attribute.First(a => a.Name == edit.Target).I = width;
                break;
            case CountEditKind.InitializerElement:
                var index = g.Initializer.Select((t, i) => (t, i)).First(x => x.t.Name == edit.Target).i;
                g.Initializer[index] = WithElement(g.Initializer[index], edit.Position, width);
                break;
            case CountEditKind.ConstantElement:
                var attribute = FindNode(g, edit.Node).Attribute.First(a => a.Name == edit.Target);
                attribute.T = WithElement(attribute.T, edit.Position, width);
                break;
        }
    }

    /// <summary>An int64 tensor with one element replaced, in its original layout.</summary>
    private static TensorProto WithElement(TensorProto proto, int position, long value)
    {
        var tensor = OnnxTensor.FromProto(proto, null, null);
        var values = tensor.ToInt64Array();
        values[position] = value;
        return OnnxTensor.FromInt64s(tensor.Name, tensor.Shape.ToArray(), values, tensor.StoredType).ToProto(proto);
    }

    private static NodeProto FindNode(GraphProto g, string displayName) =>
        g.Node.First(n => n.Name == displayName || $"{n.OpType}({n.Output.FirstOrDefault()})" == displayName);

    private static void UpdateDeclaredShapes(GraphProto g, DependencyGraph graph, PruningPlan plan)
    {
        foreach (var info in g.ValueInfo.Concat(g.Output))
        {
            if (!graph.Spaces.TryGetValue(info.Name, out var space)) continue;
            var dims = info.Type?.TensorType?.Shape?.Dim;
            if (dims == null || dims.Count < 2 || dims[1].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) continue;
            dims[1].DimValue = KeptWidth(space, plan);
        }
    }
}
