using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Clip: clamps to [min, max]. Bounds are attributes before opset 11 and optional scalar inputs
/// from 11; a missing bound does not clip on that side. With min &gt; max every value becomes
/// max, in ONNX and in torch alike.
/// </summary>
public sealed class ClipOp : IOpFamily, IChannelRule
{
    /// <summary>Element-wise with scalar bounds: channels pass through.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => flow.PassThrough(node);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Clip" };
    public (long Min, long Max) Opsets => (6, 22);

    /// <summary>An activation (ReLU6 is exported as Clip) whose bounds vary, so it has no fixed one-bit threshold.</summary>
    private static readonly ActivationTraits ClipActivation = new("Clip", OneBitThreshold: null);

    public IReadOnlyCollection<ActivationTraits> ActivationKinds { get; } = new[] { ClipActivation };

    public ActivationTraits? Activation(OnnxNode node, OnnxGraph graph) => ClipActivation;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        Bound min, max;
        if (node.Opset < 11)
        {
            min = new Bound(node.Attributes.ContainsKey("min") ? node.GetFloat("min", 0f) : null, false, -1);
            max = new Bound(node.Attributes.ContainsKey("max") ? node.GetFloat("max", 0f) : null, false, -1);
        }
        else
        {
            min = Bound.FromInput(node, 1, context);
            max = Bound.FromInput(node, 2, context);
        }

        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var low = min.Read(inputs);
            var high = max.Read(inputs);
            if (low == null && high == null) return new[] { x.alias() };
            // Bounds are read as numbers (no gradient flows to them: they are settings, not weights),
            // typed like the input so an int64 tensor stays int64.
            return new[] { x.clamp(ToScalar(low, x), ToScalar(high, x)) };
        });
    }

    private static Scalar? ToScalar(double? value, Tensor like) =>
        value is not { } v ? null : like.is_floating_point() ? v.ToScalar() : ((long)v).ToScalar();

    /// <summary>One bound: known at compile time, read from an input per run, or absent.</summary>
    private readonly record struct Bound(double? Known, bool FromRun, int Index)
    {
        public static Bound FromInput(OnnxNode node, int index, CompileContext context)
        {
            if (!node.HasInput(index)) return new Bound(null, false, index);
            return KnownInputs.Constant(node, index, context) is { } value
                ? new Bound(value.Floats[0], false, index)
                : new Bound(null, true, index);
        }

        public double? Read(Tensor?[] inputs) => FromRun ? RunContext.ToDouble(inputs[Index]!) : Known;
    }
}
