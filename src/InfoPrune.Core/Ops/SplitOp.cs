using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Split along <c>axis</c> (default 0) into the sizes in <c>split</c> (an attribute before
/// opset 13, an optional input from 13), or into equal parts, one per output. From opset 18,
/// <c>num_outputs</c> makes the last part smaller when the axis does not divide evenly.
/// </summary>
public sealed class SplitOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Split" };
    public (long Min, long Max) Opsets => (2, 22);

    /// <summary>
    /// Splitting another axis leaves every part with all the channels. Splitting the channel axis
    /// (a ShuffleNet-style channel split) gives each branch a fixed share that pruning could not
    /// follow: the group is frozen.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var rank = flow.Shape(node.Inputs[0])?.Length ?? 0;
        var axis = node.GetInt("axis", 0);
        if (axis < 0) axis += rank;
        if (axis == 1 || rank < 2)
        {
            flow.Freeze(space, $"'{node.DisplayName}' (Split) splits the channel axis");
            return;
        }
        foreach (var output in node.Outputs) flow.SetSpace(output, space);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var axis = node.GetInt("axis", 0);
        var attributeSizes = node.Opset < 13 ? node.GetInts("split")?.ToArray() : null;
        var sizesInput = node.Opset >= 13 ? KnownInputs.Ints(node, 1, context) : null;
        var parts = node.Outputs.Count;
        var numOutputs = node.Opset >= 18 && node.Attributes.ContainsKey("num_outputs") ? node.GetInt("num_outputs", parts) : (long?)null;
        if (numOutputs is { } n && n != parts) context.BadAttribute(node, $"num_outputs is {n} but the node has {parts} outputs");
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var dim = Axes.Normalize(axis, x.dim(), node);
            var length = x.shape[dim];
            var sizes = attributeSizes ?? sizesInput?.Read(inputs) ?? EqualParts(length, parts, numOutputs != null, node);
            if (sizes.Length != parts || sizes.Sum() != length || sizes.Any(s => s < 0))
                throw Axes.Failure(node, $"split sizes [{string.Join(",", sizes)}] do not cut axis {dim} of size {length} into {parts} parts");
            var results = new Tensor[parts];
            long offset = 0;
            for (var i = 0; i < parts; i++)
            {
                results[i] = x.narrow(dim, offset, sizes[i]);
                offset += sizes[i];
            }
            return results;
        });
    }

    private static long[] EqualParts(long length, int parts, bool lastMayBeSmaller, OnnxNode node)
    {
        if (!lastMayBeSmaller && length % parts != 0)
            throw Axes.Failure(node, $"axis of size {length} does not split into {parts} equal parts");
        var size = (length + parts - 1) / parts;
        return Enumerable.Range(0, parts).Select(i => Math.Max(0, Math.Min(size, length - i * size))).ToArray();
    }
}
