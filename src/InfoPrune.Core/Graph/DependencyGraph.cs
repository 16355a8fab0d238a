using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using TorchSharp;

namespace InfoPrune.Core.Graph;

/// <summary>
/// The channel dependency graph of a model: every channel group (prunable or frozen, with the
/// reasons), the initializer slices each group owns, and the attributes/shape constants whose
/// values follow a group's width. Built from one channel rule per op, over shapes traced by
/// running the model once.
/// </summary>
public sealed class DependencyGraph
{
    /// <summary>The model analyzed: the input model, with Identity copies of initializers made real initializers.</summary>
    public OnnxModel Model { get; }
    /// <summary>The model as given, returned unchanged by a plan that keeps everything.</summary>
    public OnnxModel SourceModel { get; private init; }
    /// <summary>The groups, numbered 0..n-1 in graph order.</summary>
    public IReadOnlyList<ChannelGroup> Groups { get; }
    public IReadOnlyList<CountEdit> CountEdits { get; }
    /// <summary>Concrete shapes of every value in the traced run (batch 1).</summary>
    public IReadOnlyDictionary<string, long[]> Shapes { get; }
    /// <summary>Per-node shapes and MACs of the traced run.</summary>
    public IReadOnlyList<NodeShapes> Trace { get; }
    public IReadOnlyDictionary<string, ChannelSpace> Spaces { get; }
    /// <summary>The op families the graph was analyzed with, for questions about its nodes (weights, biases, activations).</summary>
    public OpRegistry Registry { get; }

    public IEnumerable<ChannelGroup> PrunableGroups => Groups.Where(g => g.IsPrunable);

    private DependencyGraph(OnnxModel model, IReadOnlyList<ChannelGroup> groups, IReadOnlyList<CountEdit> edits,
        IReadOnlyDictionary<string, long[]> shapes, IReadOnlyList<NodeShapes> trace, IReadOnlyDictionary<string, ChannelSpace> spaces, OpRegistry registry)
    {
        Model = model; SourceModel = model; Groups = groups; CountEdits = edits; Shapes = shapes; Trace = trace; Spaces = spaces; Registry = registry;
    }

    /// <summary>Traces the model on a batch-1 zero input (symbolic dimensions taken as 1) and analyzes it.</summary>
    public static DependencyGraph Analyze(OnnxModel model, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var source = model;
        model = ConstantIdentityMaterializer.Apply(model, registry);
        using var executor = GraphExecutor.Create(model, torch.CPU, registry);
        using var scope = torch.NewDisposeScope();
        var inputs = model.Graph.Inputs.Select(i => torch.zeros(ExampleShape(i), dtype: torch.ScalarType.Float32)).ToArray();
        var trace = executor.TraceShapes(inputs);
        var graph = Build(model, trace, registry);
        return source == model ? graph : new DependencyGraph(graph.Model, graph.Groups, graph.CountEdits, graph.Shapes, graph.Trace, graph.Spaces, registry) { SourceModel = source };
    }

    /// <summary>The shape used to trace a graph input: its declared dims, symbolic ones as 1.</summary>
    public static long[] ExampleShape(OnnxValueInfo input) =>
        input.Shape?.Select(d => d.Value ?? 1).ToArray()
        ?? throw new InvalidOperationException($"input '{input.Name}' has no declared shape");

    public static DependencyGraph Build(OnnxModel model, IReadOnlyList<NodeShapes> trace, OpRegistry registry)
    {
        var graph = model.Graph;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in trace)
        {
            for (var i = 0; i < t.Node.Inputs.Count && i < t.InputShapes.Count; i++) if (t.Node.Inputs[i].Length > 0) shapes[t.Node.Inputs[i]] = t.InputShapes[i];
            for (var i = 0; i < t.Node.Outputs.Count && i < t.OutputShapes.Count; i++) if (t.Node.Outputs[i].Length > 0) shapes[t.Node.Outputs[i]] = t.OutputShapes[i];
        }

        var flow = new ChannelFlow(graph, shapes);
        foreach (var node in graph.Nodes)
        {
            if (registry.Find(node) is IChannelRule rule)
                rule.Propagate(node, flow);
            else
                flow.FreezeInputs(node, $"read by '{node.DisplayName}' ({node.OpType}), which has no channel rule");
        }
        foreach (var output in graph.Outputs)
            flow.Freeze(flow.SpaceOf(output.Name), $"reaches graph output '{output.Name}'");

        var roots = flow.AllGroups.Where(g => g.Parent == null).ToList();
        CheckMemberWidths(graph, roots);
        for (var i = 0; i < roots.Count; i++) roots[i].Id = i;
        return new DependencyGraph(model, roots, flow.Edits, shapes, trace, flow.Spaces, registry);
    }

    /// <summary>
    /// A safety net under the rules: every sliced axis must be covered exactly by its groups'
    /// members, or surgery would corrupt the tensor. Any mismatch freezes the groups involved.
    /// </summary>
    private static void CheckMemberWidths(OnnxGraph graph, IReadOnlyList<ChannelGroup> groups)
    {
        var byAxis = groups.SelectMany(g => g.Members.Select(m => (Group: g, Member: m)))
            .GroupBy(x => (x.Member.Initializer, x.Member.Axis));
        foreach (var axis in byAxis)
        {
            if (!graph.Initializers.TryGetValue(axis.Key.Initializer, out var tensor)) continue;
            var covered = axis.Sum(x => x.Group.Size * x.Member.Block);
            var dim = axis.Key.Axis < tensor.Shape.Count ? tensor.Shape[axis.Key.Axis] : -1;
            if (covered != dim)
                foreach (var (group, _) in axis)
                    group.Freeze($"'{axis.Key.Initializer}' axis {axis.Key.Axis} has {dim} entries but its groups cover {covered}");
        }
    }
}
