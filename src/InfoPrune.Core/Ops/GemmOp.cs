using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Gemm: Y = alpha·A'·B' + beta·C. B and C are the layer's weight and bias. PyTorch exports
/// Linear as Gemm with transB=1, alpha=beta=1, which maps to one fused linear call.
/// </summary>
public sealed class GemmOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Gemm" };
    public (long Min, long Max) Opsets => (7, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    /// <summary>
    /// B is [K, N] or, with transB, [N, K]; outputs are [M, N]. A normaliser folds back only into
    /// the plain affine form (no transposed input, alpha 1), where scaling B's output slice scales the output.
    /// </summary>
    public WeightedLayerTraits? WeightedLayer(OnnxNode node) => new(WeightInput: 1, BiasInput: 2,
        WeightOutputAxis: node.GetInt("transB", 0) != 0 ? 0 : 1, OutputChannelAxis: 1,
        AcceptsBatchNorm: node.GetInt("transA", 0) == 0 && node.GetFloat("alpha", 1f) == 1f && node.GetFloat("beta", 1f) == 1f);

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

    /// <summary>A fully connected layer: reads input features through B's inner axis, creates a group on its outer axis and C.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        if (node.GetInt("transA", 0) != 0)
        {
            flow.FreezeInputs(node, $"'{node.DisplayName}' (Gemm) transposes its input");
            return;
        }
        var transB = node.GetInt("transB", 0) != 0;
        DenseLayerRule.Propagate(node, flow, inAxis: transB ? 1 : 0, outAxis: transB ? 0 : 1, bias: node.HasInput(2) ? node.Inputs[2] : null);
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
public sealed class MatMulOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "MatMul" };
    public (long Min, long Max) Opsets => (1, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1 };

    /// <summary>A constant right operand [K, N] is a dense weight without bias; outputs on the last axis.</summary>
    public WeightedLayerTraits? WeightedLayer(OnnxNode node) => new(WeightInput: 1, BiasInput: null, WeightOutputAxis: 1, OutputChannelAxis: -1, AcceptsBatchNorm: false);

    /// <summary>
    /// MatMul takes no bias; PyTorch exports Linear on inputs of rank above 2 as MatMul followed
    /// by an Add of the bias, so the bias is the constant of the Add that alone reads the output
    /// (when that output is not also a graph output).
    /// </summary>
    public string? BiasInitializer(OnnxNode node, OnnxGraph graph)
    {
        var output = node.Outputs[0];
        var readers = graph.Consumers(output);
        if (readers.Count != 1 || readers[0].OpType != "Add" || graph.IsGraphOutput(output)) return null;
        var other = readers[0].Inputs.FirstOrDefault(i => i != output);
        return other != null && graph.Initializers.ContainsKey(other) ? other : null;
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context) => LambdaKernel.Binary((a, b) => torch.matmul(a, b));

    /// <summary>With a constant 2-D right operand on a 2-D input, MatMul is a dense layer without bias.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var inputShape = flow.Shape(node.Inputs[0]);
        if (inputShape is not { Length: 2 } || !flow.IsInitializer(node.Inputs[1]) || flow.Graph.Initializers[node.Inputs[1]].Shape.Count != 2)
        {
            flow.FreezeInputs(node, $"'{node.DisplayName}' (MatMul) is not a 2-D input times a constant matrix");
            return;
        }
        DenseLayerRule.Propagate(node, flow, inAxis: 0, outAxis: 1, bias: null);
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        var a = inputShapes[0];
        var k = a.Length == 0 ? 1 : a[^1];
        return ShapeMath.Product(outputShapes[0]) * k;
    }
}

/// <summary>The channel rule shared by Gemm and MatMul.</summary>
internal static class DenseLayerRule
{
    public static void Propagate(OnnxNode node, ChannelFlow flow, int inAxis, int outAxis, string? bias)
    {
        var input = flow.SpaceOf(node.Inputs[0]);
        var weight = node.Inputs[1];
        var inputShape = flow.Shape(node.Inputs[0]);
        if (!flow.IsInitializer(weight) || (bias != null && !flow.IsInitializer(bias)) || inputShape is not { Length: 2 })
        {
            flow.Freeze(input, $"'{node.DisplayName}' ({node.OpType}) has computed weights or a non 2-D input");
            return;
        }
        if (input != null) flow.AddMember(input, weight, inAxis, MemberRole.Consumer, node, consumedValue: node.Inputs[0]);
        var width = flow.Graph.Initializers[weight].Shape[outAxis];
        var output = flow.NewGroup(node, (int)width);
        flow.AddMember(output, weight, outAxis, MemberRole.Producer, node);
        if (bias != null)
        {
            // C may be [N], [1,N] or a broadcast scalar; only a full-width axis is sliced.
            var c = flow.Graph.Initializers[bias].Shape;
            var axis = c.Count - 1;
            if (axis >= 0 && c[axis] == width) flow.AddMember(output, bias, axis, MemberRole.Producer, node);
            else if (c.Count == 2 && c[0] == width) flow.Freeze(output, $"'{node.DisplayName}' ({node.OpType}) has a bias of shape {ShapeMath.Format(c)}");
        }
        flow.SetSpace(node.Outputs[0], output);
    }
}
