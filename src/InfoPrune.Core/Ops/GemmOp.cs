using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Gemm: Y = alpha·A'·B' + beta·C. B and C are the layer's weight and bias. PyTorch exports
/// Linear as Gemm with transB=1, alpha=beta=1, which maps to one fused linear call.
/// </summary>
public sealed class GemmOp : IOpFamily
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Gemm" };
    public (long Min, long Max) Opsets => (7, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var alpha = node.GetFloat("alpha", 1f);
        var beta = node.GetFloat("beta", 1f);
        var transA = node.GetInt("transA", 0) != 0;
        var transB = node.GetInt("transB", 0) != 0;
        var hasBias = node.HasInput(2);

        if (!transA && transB && alpha == 1f && (beta == 1f || !hasBias))
            return new LambdaKernel((inputs, _) => new[] { F.linear(inputs[0]!, inputs[1]!, hasBias ? inputs[2] : null) });

        return new LambdaKernel((inputs, _) =>
        {
            var a = transA ? inputs[0]!.t() : inputs[0]!;
            var b = transB ? inputs[1]!.t() : inputs[1]!;
            var product = a.mm(b);
            var y = alpha == 1f ? product : product * alpha;
            if (hasBias) y = y + (beta == 1f ? inputs[2]! : inputs[2]! * beta);
            return new[] { y };
        });
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        // M·N outputs, each a K-long dot product; K is A's inner dimension.
        var a = inputShapes[0];
        var k = node.GetInt("transA", 0) != 0 ? a[0] : a[^1];
        return ShapeMath.Product(outputShapes[0]) * k;
    }
}

/// <summary>MatMul with numpy batching. A constant second operand is a weight (a Linear exported without Gemm).</summary>
public sealed class MatMulOp : IOpFamily
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "MatMul" };
    public (long Min, long Max) Opsets => (1, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1 };

    public INodeKernel Compile(OnnxNode node, CompileContext context) => LambdaKernel.Binary((a, b) => torch.matmul(a, b));

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        var a = inputShapes[0];
        var k = a.Length == 0 ? 1 : a[^1];
        return ShapeMath.Product(outputShapes[0]) * k;
    }
}
