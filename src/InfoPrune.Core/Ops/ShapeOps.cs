using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Flatten: to 2-D, (product of dims before <c>axis</c>, product of the rest). <c>axis</c> defaults
/// to 1; 0 gives (1, everything); negative counts from the back (opset 11+).
/// </summary>
public sealed class FlattenOp : IOpFamily, IChannelRule
{
    /// <summary>Flatten at axis 1 turns each channel into a block of H·W features; any other axis mixes channels.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        var shape = flow.Shape(node.Inputs[0]);
        if (space == null) return;
        var axis = node.GetInt("axis", 1);
        if (shape == null || (axis < 0 ? axis + shape.Length : axis) != 1)
        {
            flow.Freeze(space, $"'{node.DisplayName}' (Flatten) at axis {axis} mixes the channel axis with others");
            return;
        }
        long block = 1;
        for (var i = 2; i < shape.Length; i++) block *= shape[i];
        flow.SetSpace(node.Outputs[0], space.Expand(block));
    }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Flatten" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>Moves values without changing them.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var axis = node.GetInt("axis", 1);
        return LambdaKernel.Unary(x =>
        {
            var shape = x.shape;
            // axis may be rank (everything goes to the outer dim), so the range is [-rank, rank].
            var split = axis < 0 ? axis + shape.Length : axis;
            if (split < 0 || split > shape.Length) throw Axes.Failure(node, $"axis {axis} is out of range for a rank-{shape.Length} tensor");
            // Explicit sizes rather than -1: a tensor with a zero-sized dim makes -1 ambiguous.
            long outer = 1, inner = 1;
            for (var i = 0; i < shape.Length; i++)
                if (i < split) outer *= shape[i]; else inner *= shape[i];
            return x.reshape(outer, inner);
        });
    }
}

/// <summary>
/// Reshape (opset 5+: the shape is input 1). A 0 copies the input's dim at that position unless
/// <c>allowzero</c> (opset 14+) makes it a real zero; one -1 is inferred.
/// </summary>
public sealed class ReshapeOp : IOpFamily, IChannelRule
{
    /// <summary>
    /// Reshape is followed by its traced shapes: [N,C,…] → [N,C·…] is a Flatten (each channel a
    /// block), a reshape that keeps N and C passes channels through; a literal channel width in a
    /// constant shape input is rewritten after pruning. Any other reshape freezes the channels.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var input = flow.Shape(node.Inputs[0]);
        var output = flow.Shape(node.Outputs[0]);
        if (input == null || output == null || input.Length < 2 || output.Length < 2 || output[0] != input[0])
        {
            flow.Freeze(space, $"'{node.DisplayName}' (Reshape) moves the batch or channel axis");
            return;
        }
        long inner = 1;
        for (var i = 2; i < input.Length; i++) inner *= input[i];
        ChannelSpace result;
        if (output[1] == input[1]) result = space;
        else if (output.Length == 2 && output[1] == input[1] * inner) result = space.Expand(inner);
        else
        {
            flow.Freeze(space, $"'{node.DisplayName}' (Reshape) {ShapeMath.Format(input)} → {ShapeMath.Format(output)} splits or merges the channel axis");
            return;
        }
        // A literal channel width in the target shape must follow the pruning; -1 and 0 adapt by themselves.
        var shapeInput = node.Inputs[1];
        var constant = flow.Graph.Producer(shapeInput) is { OpType: "Constant" } producer ? producer : null;
        var target = flow.Graph.Initializers.TryGetValue(shapeInput, out var initializer) ? initializer
            : constant != null && constant.Attributes.TryGetValue("value", out var value) ? value.Tensor : null;
        var literal = target is { } t && t.ElementCount > 1 ? t.Int64s[1] : -1;
        if (literal > 0)
        {
            if (constant == null) flow.AddShapeEdit(node, shapeInput, 1, result);
            else if (flow.Graph.Consumers(shapeInput).Count == 1) flow.AddConstantEdit(constant, 1, result);
            else
            {
                flow.Freeze(space, $"'{node.DisplayName}' (Reshape) takes its shape from a Constant node shared with other nodes");
                return;
            }
        }
        flow.SetSpace(node.Outputs[0], result);
    }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Reshape" };
    public (long Min, long Max) Opsets => (5, 22);

    /// <summary>Moves values without changing them.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var target = KnownInputs.Ints(node, 1, context);
        if (target == null) context.BadAttribute(node, "needs the shape input");
        var allowZero = node.Opset >= 14 && node.GetInt("allowzero", 0) != 0;
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var shape = target!.Read(inputs);
            if (shape.Count(d => d == -1) > 1) throw Axes.Failure(node, $"shape {ShapeMath.Format(shape)} has more than one -1");
            if (allowZero && shape.Contains(0) && shape.Contains(-1))
                throw Axes.Failure(node, $"shape {ShapeMath.Format(shape)} mixes 0 and -1 with allowzero=1");
            var resolved = new long[shape.Length];
            for (var i = 0; i < shape.Length; i++)
            {
                if (shape[i] != 0 || allowZero) { resolved[i] = shape[i]; continue; }
                if (i >= x.dim()) throw Axes.Failure(node, $"shape {ShapeMath.Format(shape)} copies dim {i} of a rank-{x.dim()} input");
                resolved[i] = x.shape[i];
            }
            return new[] { x.reshape(resolved) };
        });
    }
}

/// <summary>Transpose: permutes axes by <c>perm</c>; without it, reverses them.</summary>
public sealed class TransposeOp : IOpFamily, IChannelRule
{
    /// <summary>Channels pass through when the batch and channel axes stay in place.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var perm = node.GetInts("perm");
        if (perm is { Count: >= 2 } && perm[0] == 0 && perm[1] == 1) flow.SetSpace(node.Outputs[0], space);
        else flow.Freeze(space, $"'{node.DisplayName}' (Transpose) moves the channel axis");
    }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Transpose" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>Moves values without changing them.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var perm = node.GetInts("perm")?.ToArray();
        if (perm != null && !perm.OrderBy(p => p).SequenceEqual(Enumerable.Range(0, perm.Length).Select(i => (long)i)))
            context.BadAttribute(node, $"perm [{string.Join(",", perm)}] is not a permutation of 0..{perm.Length - 1}");
        return LambdaKernel.Unary(x =>
        {
            var order = perm ?? Enumerable.Range(0, (int)x.dim()).Reverse().Select(i => (long)i).ToArray();
            if (order.Length != x.dim()) throw Axes.Failure(node, $"perm has {order.Length} entries for a rank-{x.dim()} input");
            return x.permute(order);
        });
    }
}

/// <summary>
/// Squeeze: removes the listed size-1 axes (attribute before opset 13, optional input from 13);
/// with no axes, every size-1 axis.
/// </summary>
public sealed class SqueezeOp : IOpFamily, IChannelRule
{
    /// <summary>Channels pass through when the batch and channel axes stay the first two.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Squeeze" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>Moves values without changing them.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var attribute = node.GetInts("axes")?.ToArray();
        var input = node.Opset >= 13 ? KnownInputs.Ints(node, 1, context) : null;
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var axes = input?.Read(inputs) ?? attribute;
            if (axes == null || axes.Length == 0)
                return new[] { x.reshape(x.shape.Where(d => d != 1).ToArray()) };
            var shape = x.shape;
            var drop = Axes.NormalizeAll(axes, shape.Length, node);
            foreach (var a in drop)
                if (shape[a] != 1) throw Axes.Failure(node, $"cannot squeeze axis {a} of size {shape[a]}");
            return new[] { x.reshape(shape.Where((_, i) => !drop.Contains(i)).ToArray()) };
        });
    }
}

/// <summary>
/// Unsqueeze: inserts size-1 axes at the listed positions of the output (attribute before opset
/// 13, required input from 13; negative positions from opset 11).
/// </summary>
public sealed class UnsqueezeOp : IOpFamily, IChannelRule
{
    /// <summary>Channels pass through when the batch and channel axes stay the first two.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Unsqueeze" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>Moves values without changing them.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var attribute = node.GetInts("axes")?.ToArray();
        var input = node.Opset >= 13 ? KnownInputs.Ints(node, 1, context) : null;
        if (node.Opset >= 13 ? input == null : attribute == null)
            context.BadAttribute(node, node.Opset >= 13 ? "needs the axes input" : "needs the axes attribute");
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var axes = input?.Read(inputs) ?? attribute!;
            var shape = x.shape;
            var rank = shape.Length + axes.Length;
            // Positions refer to the output, so they are normalized against the output's rank.
            var inserted = Axes.NormalizeAll(axes, rank, node);
            var result = new long[rank];
            for (int i = 0, next = 0; i < rank; i++)
                result[i] = inserted.Contains(i) ? 1 : shape[next++];
            return new[] { x.reshape(result) };
        });
    }
}
