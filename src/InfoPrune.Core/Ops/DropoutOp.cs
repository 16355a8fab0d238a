using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Dropout. In eval mode it is the identity (mask all true). In train mode each element is kept
/// with probability 1 - ratio and the kept ones are scaled by 1/(1 - ratio). The ratio is an
/// attribute before opset 12 and an optional input from 12 (default 0.5 either way).
/// </summary>
/// <remarks>
/// Whether dropout is active follows the executor's mode, not the node's <c>training_mode</c>
/// input (opset 12+): exported models carry training_mode = false (or omit it, which means
/// false), yet fine-tuning them needs dropout on; and eval passes (measurement, the accuracy gate,
/// ORT parity) must stay deterministic even if a graph says true. The <c>seed</c> attribute is
/// ignored: the tool's one seed drives torch's generator. The optional mask output is bool from
/// opset 10 (the input's type before).
/// </remarks>
public sealed class DropoutOp : IOpFamily, IChannelRule
{
    /// <summary>Element-wise: channels pass through (to the mask as well).</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => flow.PassThrough(node);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Dropout" };
    public (long Min, long Max) Opsets => (7, 22);

    /// <summary>At inference Dropout passes its input through.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        double? knownRatio = 0.5;
        if (node.Opset < 12)
            knownRatio = node.GetFloat("ratio", 0.5f);
        else if (node.HasInput(1))
            knownRatio = KnownInputs.Constant(node, 1, context) is { } r ? r.Floats[0] : null;
        if (knownRatio is < 0 or >= 1)
            context.BadAttribute(node, $"ratio {knownRatio} is outside [0, 1)");
        var wantsMask = node.Outputs.Count > 1 && node.Outputs[1].Length > 0;
        var boolMask = node.Opset >= 10;

        return new LambdaKernel((inputs, run) =>
        {
            var x = inputs[0]!;
            var ratio = knownRatio ?? RunContext.ToDouble(inputs[1]!);
            if (!run.Training || ratio == 0)
                return wantsMask ? new[] { x.alias(), Mask(torch.ones_like(x, ScalarType.Bool), x.dtype) } : new[] { x.alias() };
            if (ratio is < 0 or >= 1) throw Axes.Failure(node, $"ratio {ratio} is outside [0, 1)");

            using var keep = torch.rand_like(x) >= ratio;
            using var keepAsValue = keep.to_type(x.dtype);
            var output = x * keepAsValue * (1.0 / (1.0 - ratio));
            return wantsMask ? new[] { output, Mask(keep.alias(), x.dtype) } : new[] { output };
        });

        Tensor Mask(Tensor mask, ScalarType valueType)
        {
            if (boolMask) return mask;
            using (mask) return mask.to_type(valueType);
        }
    }
}
