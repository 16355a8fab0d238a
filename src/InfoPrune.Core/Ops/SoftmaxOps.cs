using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Softmax and LogSoftmax. From opset 13 they normalize along one axis (default -1). Before 13
/// the input is viewed as 2-D at <c>axis</c> (default 1) — dims before it form the rows, dims
/// from it on the columns — and each row is normalized over all of its columns together.
/// </summary>
public sealed class SoftmaxOps : IOpFamily, IChannelRule
{
    /// <summary>Normalising across channels makes every channel depend on all others: frozen. Along another axis: pass-through.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var rank = flow.Shape(node.Inputs[0])?.Length ?? 2;
        var axis = node.GetInt("axis", node.Opset >= 13 ? -1 : 1);
        if (axis < 0) axis += rank;
        // Before opset 13 the softmax runs over everything from `axis` on, which includes channels when axis ≤ 1.
        var touchesChannels = node.Opset >= 13 ? axis == 1 : axis <= 1;
        if (touchesChannels) flow.Freeze(space, $"'{node.DisplayName}' ({node.OpType}) normalises across the channels");
        else flow.SetSpace(node.Outputs[0], space);
    }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Softmax", "LogSoftmax" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>Softmax's outputs are probabilities along its axis (default -1 from opset 13, 1 before); LogSoftmax's are not.</summary>
    public int? SoftmaxAxis(OnnxNode node) => node.OpType == "Softmax" ? (int)node.GetInt("axis", node.Opset >= 13 ? -1 : 1) : null;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var log = node.OpType == "LogSoftmax";
        Tensor Normalize(Tensor t, long dim) => log ? t.log_softmax(dim) : t.softmax(dim);

        if (node.Opset >= 13)
        {
            var axis = node.GetInt("axis", -1);
            return LambdaKernel.Unary(x => Normalize(x, Axes.Normalize(axis, x.dim(), node)));
        }

        var coerceAt = node.GetInt("axis", 1);
        return LambdaKernel.Unary(x =>
        {
            var shape = x.shape;
            var split = Axes.Normalize(coerceAt, shape.Length, node);
            // On the last axis the 2-D view changes nothing; skip the reshapes.
            if (split == shape.Length - 1) return Normalize(x, split);
            long rows = 1, columns = 1;
            for (var i = 0; i < shape.Length; i++)
                if (i < split) rows *= shape[i]; else columns *= shape[i];
            using var flat = x.reshape(rows, columns);
            using var normalized = Normalize(flat, 1);
            return normalized.reshape(shape);
        });
    }
}
