using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Add, Sub, Mul, Div, Pow with ONNX's multidirectional (numpy) broadcasting, which is torch's.
/// From opset 7 broadcasting is implicit; the older explicit `broadcast` attribute is not supported.
/// </summary>
public sealed class ElementwiseArithmeticOps : IOpFamily
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Add", "Sub", "Mul", "Div", "Pow" };

    public (long Min, long Max) Opsets => (7, 22);

    public INodeKernel Compile(OnnxNode node, CompileContext context) => node.OpType switch
    {
        "Add" => LambdaKernel.Binary((a, b) => a + b),
        "Sub" => LambdaKernel.Binary((a, b) => a - b),
        "Mul" => LambdaKernel.Binary((a, b) => a * b),
        // ONNX integer division truncates (shape arithmetic relies on it); torch's '/' would give floats.
        "Div" => LambdaKernel.Binary((a, b) => IsInteger(a) && IsInteger(b) ? torch.div(a, b, RoundingMode.trunc) : a / b),
        "Pow" => LambdaKernel.Binary((a, b) => a.pow(b)),
        _ => throw new InvalidOperationException($"{node.OpType} is not element-wise arithmetic"),
    };

    private static bool IsInteger(Tensor t) => t.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;
}
