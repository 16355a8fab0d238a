using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// ReduceSum, ReduceMax and ReduceMin over <c>axes</c>, keeping reduced dims as size 1 unless
/// <c>keepdims</c> = 0. The axes are an attribute until they become an optional input (ReduceSum
/// at opset 13, the others at 18); with no axes every axis is reduced, unless
/// <c>noop_with_empty_axes</c> = 1 (same opsets), which makes the node the identity.
/// </summary>
/// <remarks>PyTorch exports Softmax/LogSoftmax below opset 13 through ReduceMax and ReduceSum.</remarks>
public sealed class ReduceOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "ReduceSum", "ReduceMax", "ReduceMin" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>A maximum or minimum picks one of its inputs, so an activation's range survives it (a sum does not).</summary>
    public bool PreservesRange(OnnxNode node) => node.OpType is "ReduceMax" or "ReduceMin";

    /// <summary>Reducing spatial axes keeps channels; reducing the channel axis mixes them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var axesAsInputFrom = node.OpType == "ReduceSum" ? 13 : 18;
        var keepDims = node.GetInt("keepdims", 1) != 0;
        var attribute = node.Opset < axesAsInputFrom ? node.GetInts("axes")?.ToArray() : null;
        var input = node.Opset >= axesAsInputFrom ? KnownInputs.Ints(node, 1, context) : null;
        var noopWhenEmpty = node.Opset >= axesAsInputFrom && node.GetInt("noop_with_empty_axes", 0) != 0;
        var op = node.OpType;
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var axes = input?.Read(inputs) ?? attribute ?? Array.Empty<long>();
            if (axes.Length == 0 && noopWhenEmpty) return new[] { x.alias() };
            var dims = axes.Length == 0
                ? Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).ToArray()
                : Axes.NormalizeAll(axes, x.dim(), node);
            var reduced = op switch
            {
                "ReduceSum" => x.sum(dims, keepDims, x.dtype),
                "ReduceMax" => x.amax(dims, keepDims),
                _ => x.amin(dims, keepDims),
            };
            return new[] { reduced };
        });
    }
}
