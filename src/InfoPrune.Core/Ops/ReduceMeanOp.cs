using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// ReduceMean over <c>axes</c> (an attribute up to opset 17, an optional input from 18), keeping
/// the reduced dims as size 1 unless <c>keepdims</c> = 0. No axes means every axis — except from
/// opset 18 with <c>noop_with_empty_axes</c> = 1, where it is the identity.
/// </summary>
public sealed class ReduceMeanOp : IOpFamily, IChannelRule
{
    /// <summary>Reducing spatial axes keeps channels; reducing the channel axis mixes them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "ReduceMean" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>A mean of values lies within their range.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var keepDims = node.GetInt("keepdims", 1) != 0;
        var attribute = node.Opset < 18 ? node.GetInts("axes")?.ToArray() : null;
        var input = node.Opset >= 18 ? KnownInputs.Ints(node, 1, context) : null;
        var noopWhenEmpty = node.Opset >= 18 && node.GetInt("noop_with_empty_axes", 0) != 0;
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var axes = input?.Read(inputs) ?? attribute ?? Array.Empty<long>();
            if (axes.Length == 0 && noopWhenEmpty) return new[] { x.alias() };
            var dims = axes.Length == 0
                ? Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).ToArray()
                : Axes.NormalizeAll(axes, x.dim(), node);
            if (x.is_floating_point()) return new[] { x.mean(dims, keepDims) };
            // torch has no integer mean; ONNX Runtime truncates, as the cast back does.
            using var asDouble = x.to_type(ScalarType.Float64);
            using var mean = asDouble.mean(dims, keepDims);
            return new[] { mean.to_type(x.dtype) };
        });
    }
}
