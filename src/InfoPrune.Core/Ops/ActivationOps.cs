using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Element-wise activations and unary math. Each keeps the shape, so channels pass straight
/// through them; none has weights except PRelu's slope.
/// </summary>
public sealed class ActivationOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[]
    {
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "HardSwish", "Softplus",
        "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal", "PRelu",
    };

    public (long Min, long Max) Opsets => (6, 22);

    /// <summary>
    /// The activations among these ops. The ReLU family and Tanh split at 0, the sigmoids at 0.5;
    /// Softplus has no such point. Exp, Log, Erf and the other unary math are not activations.
    /// </summary>
    private static readonly Dictionary<string, ActivationTraits> Activations = new ActivationTraits[]
    {
        new("Relu", 0f, ZeroWhenInactive: true),
        new("LeakyRelu", 0f), new("PRelu", 0f), new("Elu", 0f), new("Selu", 0f), new("HardSwish", 0f),
        new("Sigmoid", 0.5f, Saturating: true), new("HardSigmoid", 0.5f, Saturating: true),
        new("Tanh", 0f, Saturating: true),
        new("Softplus", null),
    }.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    public IReadOnlyCollection<ActivationTraits> ActivationKinds => Activations.Values;

    public ActivationTraits? Activation(OnnxNode node, OnnxGraph graph) => Activations.GetValueOrDefault(node.OpType);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => node.OpType == "PRelu" ? new[] { 1 } : Array.Empty<int>();

    /// <summary>Element-wise: channels pass through; a per-channel PRelu slope is sliced with them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        if (node.OpType == "PRelu") ChannelRules.BroadcastConstant(flow, node, space, node.Inputs[1], flow.Shape(node.Inputs[0])?.Length ?? 2);
        flow.SetSpace(node.Outputs[0], space);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        switch (node.OpType)
        {
            case "Relu": return LambdaKernel.Unary(x => F.relu(x));
            case "LeakyRelu":
                var slope = node.GetFloat("alpha", 0.01f);
                return LambdaKernel.Unary(x => F.leaky_relu(x, slope));
            case "Sigmoid": return LambdaKernel.Unary(x => torch.sigmoid(x));
            case "Tanh": return LambdaKernel.Unary(x => torch.tanh(x));
            case "Elu":
                var eluAlpha = node.GetFloat("alpha", 1f);
                return LambdaKernel.Unary(x => F.elu(x, eluAlpha));
            case "Selu":
                // ONNX lets alpha and gamma differ from SELU's fixed constants; compute it directly.
                var seluAlpha = (double)node.GetFloat("alpha", 1.67326319217681884765625f);
                var gamma = (double)node.GetFloat("gamma", 1.05070102214813232421875f);
                return LambdaKernel.Unary(x => torch.where(x > 0, x, (x.exp() - 1) * seluAlpha) * gamma);
            case "HardSigmoid":
                var hsAlpha = (double)node.GetFloat("alpha", 0.2f);
                var hsBeta = (double)node.GetFloat("beta", 0.5f);
                return LambdaKernel.Unary(x => (x * hsAlpha + hsBeta).clamp(0.0, 1.0));
            case "HardSwish": return LambdaKernel.Unary(x => F.hardswish(x));
            case "Softplus": return LambdaKernel.Unary(x => F.softplus(x));
            case "Exp": return LambdaKernel.Unary(x => x.exp());
            case "Log": return LambdaKernel.Unary(x => x.log());
            case "Sqrt": return LambdaKernel.Unary(x => x.sqrt());
            case "Neg": return LambdaKernel.Unary(x => x.neg());
            case "Abs": return LambdaKernel.Unary(x => x.abs());
            case "Erf": return LambdaKernel.Unary(x => torch.erf(x));
            case "Reciprocal": return LambdaKernel.Unary(x => x.reciprocal());
            case "PRelu":
                // ONNX broadcasts the slope numpy-style (e.g. [C,1,1] against [N,C,H,W]); so does where().
                return LambdaKernel.Binary((x, s) => torch.where(x >= 0, x, x * s));
            default:
                throw new InvalidOperationException($"{node.OpType} is not an activation");
        }
    }
}
