using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>Helpers shared by the channel rules of several op families.</summary>
internal static class ChannelRules
{
    /// <summary>
    /// A constant operand broadcast against a tracked activation of rank <paramref name="rank"/>
    /// (e.g. a [C,1,1] scale against [N,C,H,W]): a per-channel member when its aligned axis has
    /// the channel width, nothing when it broadcasts over channels, frozen otherwise.
    /// </summary>
    /// <remarks>
    /// A Constant node's value counts as a constant too when it is the same for every channel
    /// (PyTorch writes GELU's and Swish's scalars that way); a per-channel one freezes, because
    /// surgery slices initializers, not node attributes.
    /// </remarks>
    public static void BroadcastConstant(ChannelFlow flow, OnnxNode node, ChannelSpace space, string constant, int rank)
    {
        if (!flow.Graph.Initializers.TryGetValue(constant, out var tensor))
        {
            var producer = flow.Graph.Producer(constant);
            var fromNode = producer is { OpType: "Constant" } ? ConstantOp.ValueOf(producer) : null;
            if (fromNode == null)
                flow.Freeze(space, $"'{node.DisplayName}' ({node.OpType}) combines the channels with a computed value");
            else if (!BroadcastsOverChannels(fromNode.Shape, rank))
                flow.Freeze(space, $"'{node.DisplayName}' ({node.OpType}) combines the channels with a per-channel value in the Constant node '{producer!.DisplayName}'");
            return;
        }
        if (BroadcastsOverChannels(tensor.Shape, rank)) return;
        var axis = ChannelAxisOf(tensor.Shape, rank);
        if (tensor.Shape[axis] == space.Width)
            flow.AddMember(space, constant, axis, MemberRole.PerChannel, node);
        else
            flow.Freeze(space, $"'{node.DisplayName}' ({node.OpType}) broadcasts '{constant}' of shape {ShapeMath.Format(tensor.Shape)} over the channels");
    }

    /// <summary>The axis of a constant that lines up with the channel axis (1) of a rank-<paramref name="rank"/> activation.</summary>
    private static int ChannelAxisOf(IReadOnlyList<long> shape, int rank) => 1 - (rank - shape.Count);

    /// <summary>True when a constant of this shape has no channel axis or size 1 there: every channel sees the same values.</summary>
    private static bool BroadcastsOverChannels(IReadOnlyList<long> shape, int rank)
    {
        var axis = ChannelAxisOf(shape, rank);
        return axis < 0 || shape[axis] == 1;
    }

    /// <summary>
    /// For shape-changing ops that should leave channels alone (Squeeze, Unsqueeze, Pad,
    /// ReduceMean): pass through when the traced batch and channel sizes stay the first two axes,
    /// freeze otherwise.
    /// </summary>
    public static void KeepLeadingAxes(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var input = flow.Shape(node.Inputs[0]);
        var output = flow.Shape(node.Outputs[0]);
        if (input is { Length: >= 2 } && output is { Length: >= 2 } && input[0] == output[0] && input[1] == output[1] && input[1] > 1)
            flow.SetSpace(node.Outputs[0], space);
        else
            flow.Freeze(space, $"'{node.DisplayName}' ({node.OpType}) changes the channel axis");
    }
}
