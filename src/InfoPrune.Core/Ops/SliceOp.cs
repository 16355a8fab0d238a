using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Slice: starts, ends and axes are attributes up to opset 9; from 10 they are inputs, with
/// optional axes and steps (negative steps walk backwards). Out-of-range bounds are clamped as
/// ONNX says: to [0, dim] for a positive step, [-1, dim-1] for a negative one.
/// </summary>
public sealed class SliceOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Slice" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>
    /// Slicing other axes keeps channels. Slicing the channel axis keeps a subset of them, which
    /// pruning could not follow: the group is frozen (as for a ShuffleNet channel split by Slice).
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var input = flow.Shape(node.Inputs[0]);
        var output = flow.Shape(node.Outputs[0]);
        if (input is { Length: >= 2 } && output != null && output.Length == input.Length && output[1] == input[1])
            flow.SetSpace(node.Outputs[0], space);
        else
            flow.Freeze(space, $"'{node.DisplayName}' (Slice) slices the channel axis");
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        long[]? attrStarts = null, attrEnds = null, attrAxes = null;
        KnownInputs? starts = null, ends = null, axes = null, steps = null;
        if (node.Opset < 10)
        {
            attrStarts = node.GetInts("starts")?.ToArray();
            attrEnds = node.GetInts("ends")?.ToArray();
            attrAxes = node.GetInts("axes")?.ToArray();
            if (attrStarts == null || attrEnds == null) context.BadAttribute(node, "needs the starts and ends attributes");
        }
        else
        {
            starts = KnownInputs.Ints(node, 1, context);
            ends = KnownInputs.Ints(node, 2, context);
            axes = KnownInputs.Ints(node, 3, context);
            steps = KnownInputs.Ints(node, 4, context);
            if (starts == null || ends == null) context.BadAttribute(node, "needs the starts and ends inputs");
        }
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var from = attrStarts ?? starts!.Read(inputs);
            var to = attrEnds ?? ends!.Read(inputs);
            var dims = attrAxes ?? axes?.Read(inputs) ?? Enumerable.Range(0, from.Length).Select(i => (long)i).ToArray();
            var stride = steps?.Read(inputs) ?? Enumerable.Repeat(1L, from.Length).ToArray();
            if (to.Length != from.Length || dims.Length != from.Length || stride.Length != from.Length)
                throw Axes.Failure(node, "starts, ends, axes and steps have different lengths");
            var normalized = Axes.NormalizeAll(dims, x.dim(), node);
            using var scope = torch.NewDisposeScope();
            var result = x.alias();
            for (var i = 0; i < normalized.Length; i++)
                result = SliceAxis(result, normalized[i], from[i], to[i], stride[i], node);
            return new[] { result.MoveToOuterDisposeScope() };
        });
    }

    private static Tensor SliceAxis(Tensor x, long axis, long start, long end, long step, OnnxNode node)
    {
        if (step == 0) throw Axes.Failure(node, "a step of 0 is not allowed");
        var size = x.shape[axis];
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            if (end <= start) return x.narrow(axis, 0, 0);
            return x.slice(axis, start, end, step);
        }
        start = Math.Clamp(start, -1, size - 1);
        end = Math.Clamp(end, -1, size - 1);
        var count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
        var index = new long[count];
        for (long k = 0; k < count; k++) index[k] = start + k * step;
        return x.index_select(axis, torch.tensor(index, device: x.device));
    }
}
