using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Cast (to the type in <c>to</c>) and CastLike (opset 15+: to the type of its second input).
/// The executor runs every floating-point value as float32, every integer as int64 and bools as
/// bool, so a cast lands in one of those; the value is first rounded through the target type
/// (float16, bfloat16, int8, uint8, int16, int32), so what a narrower type cannot hold is lost
/// as in ONNX. Casts to and from strings are not supported.
/// </summary>
public sealed class CastOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Cast", "CastLike" };
    public (long Min, long Max) Opsets => (6, 22);

    /// <summary>Element-wise: channels pass through.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space != null) flow.SetSpace(node.Outputs[0], space);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        TensorElementType? target = null;
        if (node.OpType == "Cast")
        {
            if (!node.Attributes.ContainsKey("to")) context.BadAttribute(node, "needs the 'to' attribute");
            else target = (TensorElementType)node.GetInt("to", 0);
        }
        else if (node.HasInput(1) && context.Graph.ValueInfos.TryGetValue(node.Inputs[1], out var like) && like.ElementType != TensorElementType.Undefined)
        {
            target = like.ElementType;
        }
        else if (node.HasInput(1) && context.ConstantInput(node, 1) is { } constant)
        {
            target = constant.StoredType;
        }
        if (target is { } t && !ExecutorTypes.IsRunnable(t))
        {
            context.Unsupported(node, null, $"casting to {t} is not supported (InfoPrune runs numeric and bool tensors)");
            target = null;
        }
        // CastLike with an undeclared target type: the second input's runtime kind decides.
        return new LambdaKernel((inputs, _) =>
            new[] { ExecutorTypes.CastTo(inputs[0]!, target ?? ExecutorTypes.KindOf(inputs[1]!)) });
    }
}

/// <summary>How ONNX element types map onto the executor's three tensor kinds (float32, int64, bool).</summary>
internal static class ExecutorTypes
{
    public static bool IsRunnable(TensorElementType type) =>
        type is not (TensorElementType.Undefined or TensorElementType.String) && Enum.IsDefined(type);

    public static bool IsFloating(TensorElementType type) =>
        type is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16;

    /// <summary>A representative ONNX type of a tensor the executor holds.</summary>
    public static TensorElementType KindOf(Tensor tensor) =>
        tensor.dtype == ScalarType.Bool ? TensorElementType.Bool : tensor.is_floating_point() ? TensorElementType.Float : TensorElementType.Int64;

    /// <summary>The executor's dtype for values of an ONNX type.</summary>
    public static ScalarType RunType(TensorElementType type) =>
        type == TensorElementType.Bool ? ScalarType.Bool : IsFloating(type) ? ScalarType.Float32 : ScalarType.Int64;

    /// <summary>Casts to <paramref name="type"/>'s executor dtype, rounding through the narrower type when torch has it.</summary>
    public static Tensor CastTo(Tensor x, TensorElementType type)
    {
        ScalarType? through = type switch
        {
            TensorElementType.Float16 => ScalarType.Float16,
            TensorElementType.BFloat16 => ScalarType.BFloat16,
            TensorElementType.Int8 => ScalarType.Int8,
            TensorElementType.UInt8 => ScalarType.Byte,
            TensorElementType.Int16 => ScalarType.Int16,
            TensorElementType.Int32 => ScalarType.Int32,
            _ => null,
        };
        var run = RunType(type);
        if (through is not { } narrow || x.dtype == narrow) return x.to_type(run);
        using var rounded = x.to_type(narrow);
        return rounded.to_type(run);
    }
}
