using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// ConstantOfShape (opset 9+): a tensor of the shape given by its int64 input, filled with the
/// one-element <c>value</c> attribute (float32 zero when absent), of that value's type.
/// </summary>
public sealed class ConstantOfShapeOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "ConstantOfShape" };
    public (long Min, long Max) Opsets => (9, 22);

    /// <summary>Reads a shape, not channels: the output is not a channel tensor.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) { }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var value = node.Attributes.TryGetValue("value", out var attribute) ? attribute.Tensor : null;
        if (value != null && value.ElementCount != 1) context.BadAttribute(node, $"value must hold one element, not {value.ElementCount}");
        var type = value?.StoredType ?? TensorElementType.Float;
        if (!ExecutorTypes.IsRunnable(type)) context.Unsupported(node, null, $"a {type} value is not supported");
        var dtype = ExecutorTypes.RunType(type);
        var fill = value == null ? 0.0 : value.IsFloatingPoint ? value.Floats[0] : value.Int64s[0];
        return new LambdaKernel((inputs, run) =>
        {
            var shape = RunContext.ToInt64s(inputs[0]!);
            var filled = dtype switch
            {
                ScalarType.Float32 => torch.full(shape, fill, dtype: dtype, device: run.Device),
                ScalarType.Bool => torch.full(shape, fill != 0, dtype: dtype, device: run.Device),
                _ => torch.full(shape, (long)fill, dtype: dtype, device: run.Device),
            };
            return new[] { filled };
        });
    }
}
