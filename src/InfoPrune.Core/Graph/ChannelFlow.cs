using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Graph;

/// <summary>
/// The state the channel rules work on while the dependency graph is built: the channel space of
/// each value (axis 1), the traced shapes, and the operations rules use to record groups.
/// </summary>
public sealed class ChannelFlow
{
    private readonly Dictionary<string, ChannelSpace> _spaces = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, long[]> _shapes;
    private readonly List<ChannelGroup> _groups = new();
    private readonly List<CountEdit> _edits = new();

    internal ChannelFlow(OnnxGraph graph, IReadOnlyDictionary<string, long[]> shapes)
    {
        Graph = graph;
        _shapes = shapes;
    }

    public OnnxGraph Graph { get; }
    internal IReadOnlyList<ChannelGroup> AllGroups => _groups;
    internal IReadOnlyList<CountEdit> Edits => _edits;
    internal IReadOnlyDictionary<string, ChannelSpace> Spaces => _spaces;

    /// <summary>The concrete shape a value had in the traced run (batch 1), or null if unknown.</summary>
    public long[]? Shape(string value) => _shapes.TryGetValue(value, out var s) ? s : null;

    /// <summary>The channel space of a value, or null when its channels are not tracked (graph inputs, shape tensors, …).</summary>
    public ChannelSpace? SpaceOf(string value) => value.Length > 0 && _spaces.TryGetValue(value, out var s) ? s : null;

    /// <summary>True when the named input is an initializer (a constant weight).</summary>
    public bool IsInitializer(string value) => Graph.Initializers.ContainsKey(value);

    /// <summary>Starts a new group of <paramref name="size"/> channels produced by <paramref name="node"/>.</summary>
    public ChannelSpace NewGroup(OnnxNode node, int size)
    {
        var group = new ChannelGroup(_groups.Count, size, node.DisplayName);
        _groups.Add(group);
        return ChannelSpace.Of(group);
    }

    /// <summary>Declares the channel space of an output value.</summary>
    public void SetSpace(string value, ChannelSpace space)
    {
        if (value.Length == 0) return;
        _spaces[value] = space;
        foreach (var g in space.Groups) g.AddValue(value);
    }

    /// <summary>
    /// Records that <paramref name="initializer"/>'s <paramref name="axis"/> is indexed by the
    /// space (each segment in order, each channel spanning <paramref name="block"/> entries per segment block).
    /// </summary>
    public void AddMember(ChannelSpace space, string initializer, int axis, MemberRole role, OnnxNode node, long block = 1, string? consumedValue = null)
    {
        long offset = 0;
        foreach (var segment in space.Segments)
        {
            var span = segment.Block * block;
            segment.Group.Root().AddMember(new ChannelMember(initializer, axis, offset, span, role, node.DisplayName, consumedValue));
            offset += segment.Group.Size * span;
        }
    }

    /// <summary>Records an attribute (e.g. a depthwise `group`) whose value is the space's kept width.</summary>
    public void AddAttributeEdit(OnnxNode node, string attribute, ChannelSpace space) =>
        _edits.Add(new CountEdit(CountEditKind.IntAttribute, node.DisplayName, attribute, 0, space));

    /// <summary>Records a shape-constant entry whose value is the space's kept width.</summary>
    public void AddShapeEdit(OnnxNode node, string initializer, int position, ChannelSpace space) =>
        _edits.Add(new CountEdit(CountEditKind.InitializerElement, node.DisplayName, initializer, position, space));

    /// <summary>Records an element of a Constant node's value tensor whose value is the space's kept width.</summary>
    public void AddConstantEdit(OnnxNode constant, int position, ChannelSpace space) =>
        _edits.Add(new CountEdit(CountEditKind.ConstantElement, constant.DisplayName, "value", position, space));

    /// <summary>
    /// Couples two spaces that must keep the same channels (the branches of a residual Add).
    /// Spaces made of different group layouts cannot be coupled channel by channel; their groups
    /// are frozen instead, with the reason.
    /// </summary>
    public ChannelSpace Couple(ChannelSpace a, ChannelSpace b, OnnxNode node)
    {
        var compatible = a.Segments.Count == b.Segments.Count && a.Segments.Zip(b.Segments).All(p =>
            p.First.Group.Size == p.Second.Group.Size && p.First.Block == p.Second.Block);
        if (!compatible)
        {
            Freeze(a, $"'{node.DisplayName}' ({node.OpType}) joins branches with different channel layouts");
            Freeze(b, $"'{node.DisplayName}' ({node.OpType}) joins branches with different channel layouts");
            return a;
        }
        foreach (var (x, y) in a.Segments.Zip(b.Segments))
        {
            var rx = x.Group.Root();
            var ry = y.Group.Root();
            // The older group absorbs the newer, so a coupled group is named after its first producer.
            if (rx != ry) (rx.Id <= ry.Id ? rx : ry).Absorb(rx.Id <= ry.Id ? ry : rx);
        }
        return a;
    }

    /// <summary>Marks every group of a space as not prunable, with the reason.</summary>
    public void Freeze(ChannelSpace? space, string reason)
    {
        if (space == null) return;
        foreach (var g in space.Groups) g.Freeze(reason);
    }

    /// <summary>The usual pass-through: output i has the same channels as input 0.</summary>
    public void PassThrough(OnnxNode node)
    {
        var space = SpaceOf(node.Inputs[0]);
        if (space == null) return;
        foreach (var output in node.Outputs) SetSpace(output, space);
    }

    /// <summary>Freezes every tracked input of a node the analysis cannot see through.</summary>
    public void FreezeInputs(OnnxNode node, string reason)
    {
        foreach (var input in node.Inputs) Freeze(SpaceOf(input), reason);
    }
}
