using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>Where (opset 9+): picks X where the condition holds, else Y, with numpy broadcasting of all three.</summary>
public sealed class WhereOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Where" };
    public (long Min, long Max) Opsets => (9, 22);

    /// <summary>
    /// Like a binary element-wise op on X and Y: two tracked branches are coupled, a constant one
    /// is sliced with the channels or broadcast over them. A condition that differs per channel
    /// (tracked, or a constant with a channel axis) ties the choice to channels: frozen.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var condition = flow.SpaceOf(node.Inputs[0]);
        var x = flow.SpaceOf(node.Inputs[1]);
        var y = flow.SpaceOf(node.Inputs[2]);
        if (x == null && y == null)
        {
            flow.Freeze(condition, $"'{node.DisplayName}' (Where) selects by a per-channel condition");
            return;
        }
        var outputShape = flow.Shape(node.Outputs[0]);
        ChannelSpace result;
        if (x != null && y != null)
        {
            result = flow.Couple(x, y, node);
        }
        else
        {
            var (tracked, trackedInput, other) = x != null ? (x, node.Inputs[1], node.Inputs[2]) : (y!, node.Inputs[2], node.Inputs[1]);
            var trackedShape = flow.Shape(trackedInput);
            if (trackedShape == null || outputShape == null || !trackedShape.SequenceEqual(outputShape))
            {
                flow.Freeze(tracked, $"'{node.DisplayName}' (Where) broadcasts the channels to another shape");
                return;
            }
            ChannelRules.BroadcastConstant(flow, node, tracked, other, trackedShape.Length);
            result = tracked;
        }
        var conditionShape = flow.Shape(node.Inputs[0]);
        var rank = outputShape?.Length ?? 0;
        var channelAxis = conditionShape == null ? -1 : 1 - (rank - conditionShape.Length);
        if (condition != null)
            flow.Freeze(flow.Couple(result, condition, node), $"'{node.DisplayName}' (Where) selects by a per-channel condition");
        else if (conditionShape != null && channelAxis >= 0 && conditionShape[channelAxis] != 1)
            flow.Freeze(result, $"'{node.DisplayName}' (Where) selects by a condition of shape {ShapeMath.Format(conditionShape)} that differs per channel");
        flow.SetSpace(node.Outputs[0], result);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context) => new LambdaKernel((inputs, _) =>
    {
        var condition = inputs[0]!;
        using var mask = condition.dtype == ScalarType.Bool ? condition.alias() : condition.ne(0);
        return new[] { torch.where(mask, inputs[1]!, inputs[2]!) };
    });
}
