using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Concat: joins its inputs along <c>axis</c> (required since opset 4; negative from opset 11).
/// Used both on activations (channel concatenation) and on int64 shape pieces.
/// </summary>
public sealed class ConcatOp : IOpFamily
{
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
