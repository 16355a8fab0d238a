using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Expand (opset 8+): broadcasts the input against the shape input, numpy-style in both
/// directions (a 1 in the shape keeps the input's dim; the output may have more axes).
/// </summary>
public sealed class ExpandOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Expand" };
    public (long Min, long Max) Opsets => (8, 22);

    /// <summary>Repeating along other axes keeps channels; repeating the channel axis itself, or moving it, freezes them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var shapeInput = KnownInputs.Ints(node, 1, context);
        if (shapeInput == null) context.BadAttribute(node, "needs the shape input");
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var target = shapeInput!.Read(inputs);
            var shape = Broadcast(x.shape, target, node);
            // expand is a view; contiguous so consumers that reshape or write see ordinary storage.
            using var view = x.expand(shape);
            return new[] { view.contiguous() };
        });
    }

    private static long[] Broadcast(long[] a, long[] b, OnnxNode node)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Length) is var ia && ia >= 0 ? a[ia] : 1;
            var db = i - (rank - b.Length) is var ib && ib >= 0 ? b[ib] : 1;
            if (da != db && da != 1 && db != 1)
                throw Axes.Failure(node, $"cannot broadcast {ShapeMath.Format(a)} to {ShapeMath.Format(b)}");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }
}
