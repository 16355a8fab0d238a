using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Concat: joins its inputs along <c>axis</c> (required since opset 4; negative from opset 11).
/// Used both on activations (channel concatenation) and on int64 shape pieces.
/// </summary>
public sealed class ConcatOp : IOpFamily, IChannelRule
{
    /// <summary>
    /// Along the channel axis, the output's channels are the inputs' in order (offset ranges).
    /// Along another axis the inputs share channels, so their groups are coupled.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var spaces = node.Inputs.Select(flow.SpaceOf).ToList();
        if (spaces.All(s => s == null)) return;
        var rank = flow.Shape(node.Outputs[0])?.Length ?? 0;
        var axis = node.GetInt("axis", 1);
        if (axis < 0) axis += rank;
        if (spaces.Any(s => s == null))
        {
            foreach (var s in spaces) flow.Freeze(s, $"'{node.DisplayName}' (Concat) joins channels with untracked values");
            return;
        }
        if (axis == 1)
        {
            flow.SetSpace(node.Outputs[0], ChannelSpace.Concat(spaces!));
            return;
        }
        var joined = spaces[0]!;
        foreach (var s in spaces.Skip(1)) joined = flow.Couple(joined, s!, node);
        flow.SetSpace(node.Outputs[0], joined);
    }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Concat" };
    public (long Min, long Max) Opsets => (4, 22);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        if (!node.Attributes.ContainsKey("axis")) context.BadAttribute(node, "needs the axis attribute");
        var axis = node.GetInt("axis", 0);
        return new LambdaKernel((inputs, _) =>
        {
            var parts = inputs.Where(t => t is not null).Select(t => t!).ToArray();
            if (parts.Length == 0) throw Axes.Failure(node, "has no inputs");
            var dim = Axes.Normalize(axis, parts[0].dim(), node);
            // Shape pieces come from Shape on the CPU while initializers live on the run's device;
            // bring stragglers to the first input's device rather than fail on a mixed list.
            var device = parts[0].device;
            var moved = parts.Select(t => t.device_type == device.type && t.device_index == device.index ? null : t.to(device)).ToArray();
            try
            {
                return new[] { torch.cat(parts.Select((t, i) => moved[i] ?? t).ToArray(), dim) };
            }
            finally
            {
                foreach (var t in moved) t?.Dispose();
            }
        });
    }
}
