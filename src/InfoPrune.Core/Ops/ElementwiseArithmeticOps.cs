using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Add, Sub, Mul, Div, Pow with ONNX's multidirectional (numpy) broadcasting, which is torch's.
/// From opset 7 broadcasting is implicit; the older explicit `broadcast` attribute is not supported.
/// </summary>
public sealed class ElementwiseArithmeticOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Add", "Sub", "Mul", "Div", "Pow" };

    public (long Min, long Max) Opsets => (7, 22);

    /// <summary>The outer Mul of an exported GELU applies that activation (see <see cref="ExportedGelu"/>).</summary>
    public IReadOnlyCollection<ActivationTraits> ActivationKinds { get; } = new[] { ExportedGelu.Traits };

    public ActivationTraits? Activation(OnnxNode node, OnnxGraph graph) => ExportedGelu.EndsAt(graph, node) ? ExportedGelu.Traits : null;

    /// <summary>
    /// Two tracked operands (a residual join) must keep the same channels: their groups are
    /// coupled. A constant operand with a channel axis is sliced with the channels. Anything that
    /// changes the channel layout (broadcasting the activation itself) freezes it.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var a = flow.SpaceOf(node.Inputs[0]);
        var b = flow.SpaceOf(node.Inputs[1]);
        var outputShape = flow.Shape(node.Outputs[0]);
        if (a == null && b == null) return;
        if (a != null && b != null)
        {
            flow.SetSpace(node.Outputs[0], flow.Couple(a, b, node));
            return;
        }
        var (tracked, trackedInput, other) = a != null ? (a, node.Inputs[0], node.Inputs[1]) : (b!, node.Inputs[1], node.Inputs[0]);
        var trackedShape = flow.Shape(trackedInput);
        if (trackedShape == null || outputShape == null || !trackedShape.SequenceEqual(outputShape))
        {
            flow.Freeze(tracked, $"'{node.DisplayName}' ({node.OpType}) broadcasts the channels to another shape");
            return;
        }
        ChannelRules.BroadcastConstant(flow, node, tracked, other, trackedShape.Length);
        flow.SetSpace(node.Outputs[0], tracked);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context) => node.OpType switch
    {
        "Add" => LambdaKernel.Binary((a, b) => a + b),
        "Sub" => LambdaKernel.Binary((a, b) => a - b),
        "Mul" => LambdaKernel.Binary((a, b) => a * b),
        // ONNX integer division truncates (shape arithmetic relies on it); torch's '/' would give
        // floats. The tensor method, not the static torch.div: TorchSharp 0.107's static overload
        // drops the rounding mode.
        "Div" => LambdaKernel.Binary((a, b) => IsInteger(a) && IsInteger(b) ? a.div(b, RoundingMode.trunc) : a / b),
        "Pow" => LambdaKernel.Binary(Power),
        _ => throw new InvalidOperationException($"{node.OpType} is not element-wise arithmetic"),
    };

    /// <summary>
    /// ONNX's Pow returns the base's type. torch promotes an integer base with a float exponent to
    /// float, so that case is computed in double and truncated back, as numpy's cast does.
    /// </summary>
    private static Tensor Power(Tensor x, Tensor exponent)
    {
        if (!IsInteger(x) || !exponent.is_floating_point()) return x.pow(exponent);
        using var wide = x.to_type(ScalarType.Float64);
        using var power = wide.pow(exponent);
        return power.to_type(x.dtype);
    }

    private static bool IsInteger(Tensor t) => t.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;
}
