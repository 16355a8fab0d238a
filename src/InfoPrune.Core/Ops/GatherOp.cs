using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Gather: picks entries of <c>data</c> along <c>axis</c> by <c>indices</c> (negative counts
/// from the end). The output is data.shape[:axis] + indices.shape + data.shape[axis+1:], so a
/// scalar index removes the axis. Works on float activations (with autograd) and on int64
/// shape tensors alike.
/// </summary>
public sealed class GatherOp : IOpFamily, IChannelRule
{
    /// <summary>Gathering from a channel tensor picks or reorders entries: its channels are frozen.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) =>
        flow.FreezeInputs(node, $"'{node.DisplayName}' (Gather) indexes into the channels");

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Gather" };
    public (long Min, long Max) Opsets => (1, 22);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var axis = node.GetInt("axis", 0);
        return LambdaKernel.Binary((data, indices) =>
        {
            var shape = data.shape;
            var dim = Axes.Normalize(axis, shape.Length, node);
            var size = shape[dim];
            using var scope = torch.NewDisposeScope();
            var index = indices.to_type(ScalarType.Int64).to(data.device).flatten();
            index = torch.where(index < 0, index + size, index);
            // index_select on the flattened indices, then reshape to put the index dims in place:
            // differentiable, and the same code for any index rank including 0.
            var picked = data.index_select(dim, index);
            var result = picked.reshape(shape[..(int)dim].Concat(indices.shape).Concat(shape[((int)dim + 1)..]).ToArray());
            return result.MoveToOuterDisposeScope();
        });
    }
}
