using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Equal, Less, Greater, LessOrEqual, GreaterOrEqual (bool results, numpy broadcasting) and
/// Not. In exported classifiers they compute on shapes (dynamic batch handling), not on
/// activations.
/// </summary>
public sealed class ComparisonOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not" };
    public (long Min, long Max) Opsets => (7, 22);

    /// <summary>A mask computed from channel values decides something per channel: its channels are frozen.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) =>
        flow.FreezeInputs(node, $"'{node.DisplayName}' ({node.OpType}) compares channel values");

    public INodeKernel Compile(OnnxNode node, CompileContext context) => node.OpType switch
    {
        "Equal" => LambdaKernel.Binary((a, b) => a.eq(b)),
        "Less" => LambdaKernel.Binary((a, b) => a.lt(b)),
        "Greater" => LambdaKernel.Binary((a, b) => a.gt(b)),
        "LessOrEqual" => LambdaKernel.Binary((a, b) => a.le(b)),
        "GreaterOrEqual" => LambdaKernel.Binary((a, b) => a.ge(b)),
        "Not" => LambdaKernel.Unary(a => a.logical_not()),
        _ => throw new InvalidOperationException($"{node.OpType} is not a comparison"),
    };
}
