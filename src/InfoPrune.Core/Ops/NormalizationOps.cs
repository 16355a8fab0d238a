using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// LayerNormalization (opset 17): normalises over the axes from <c>axis</c> (default -1) to the
/// last, then scales and shifts by Scale and B (shaped like those axes). Optional outputs Mean and
/// InvStdDev keep the normalised axes as size 1. <c>stash_type</c> is honoured by computing in
/// float32, which is what the executor runs.
/// </summary>
/// <remarks>
/// Pruning a channel that LayerNormalization normalises over changes the statistics of the
/// others, just as it changes what any later layer sees; the kept channels are still a valid
/// LayerNorm, so the scale and bias are sliced with them (ConvNeXt's head normalises [N, C]).
/// </remarks>
public sealed class LayerNormalizationOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "LayerNormalization" };
    public (long Min, long Max) Opsets => (17, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    /// <summary>
    /// Channels pass through. When the channel axis is among the normalised ones, Scale and B
    /// have it at position 1 − axis and are sliced with the channels; normalising from the batch
    /// axis would mix samples, and is frozen.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        var rank = flow.Shape(node.Inputs[0])?.Length ?? 0;
        var axis = node.GetInt("axis", -1);
        if (axis < 0) axis += rank;
        if (axis <= 0 || rank < 2)
        {
            flow.Freeze(space, $"'{node.DisplayName}' (LayerNormalization) normalises across the batch axis");
            return;
        }
        if (axis == 1)
        {
            for (var i = 1; i <= 2 && node.HasInput(i); i++)
            {
                if (!flow.IsInitializer(node.Inputs[i]))
                {
                    flow.Freeze(space, $"'{node.DisplayName}' (LayerNormalization) has a computed scale or bias");
                    return;
                }
                flow.AddMember(space, node.Inputs[i], 0, MemberRole.PerChannel, node);
            }
        }
        flow.SetSpace(node.Outputs[0], space);
        // Mean and InvStdDev keep the leading axes, channels included, when normalising after them.
        if (axis >= 2)
            foreach (var statistic in node.Outputs.Skip(1)) flow.SetSpace(statistic, space);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var axis = node.GetInt("axis", -1);
        var epsilon = node.GetFloat("epsilon", 1e-5f);
        var hasBias = node.HasInput(2);
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var from = Axes.Normalize(axis, x.dim(), node);
            var dims = Enumerable.Range((int)from, (int)(x.dim() - from)).Select(d => (long)d).ToArray();
            using var scope = torch.NewDisposeScope();
            var mean = x.mean(dims, keepdim: true);
            var centred = x - mean;
            var variance = (centred * centred).mean(dims, keepdim: true);
            var inverseStd = (variance + epsilon).rsqrt();
            var y = centred * inverseStd * inputs[1]!;
            if (hasBias) y = y + inputs[2]!;
            return new[] { y.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), inverseStd.MoveToOuterDisposeScope() };
        });
    }
}

/// <summary>
/// InstanceNormalization: normalises each (sample, channel) plane over its spatial axes, then
/// scales and shifts per channel by scale [C] and B [C].
/// </summary>
public sealed class InstanceNormalizationOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "InstanceNormalization" };
    public (long Min, long Max) Opsets => (6, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    /// <summary>It already normalises every channel, so a BatchNorm inserted before it would be undone.</summary>
    public bool NormalizesChannels(OnnxNode node) => true;

    /// <summary>Per-channel: channels pass through; scale and bias are sliced with them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        for (var i = 1; i <= 2; i++)
        {
            if (!flow.IsInitializer(node.Inputs[i]))
            {
                flow.Freeze(space, $"'{node.DisplayName}' (InstanceNormalization) has a computed scale or bias");
                return;
            }
            flow.AddMember(space, node.Inputs[i], 0, MemberRole.PerChannel, node);
        }
        flow.SetSpace(node.Outputs[0], space);
    }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var epsilon = node.GetFloat("epsilon", 1e-5f);
        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            using var scope = torch.NewDisposeScope();
            var dims = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
            var perChannel = Enumerable.Range(0, (int)x.dim()).Select(d => d == 1 ? x.shape[1] : 1L).ToArray();
            var mean = x.mean(dims, keepdim: true);
            var centred = x - mean;
            var variance = (centred * centred).mean(dims, keepdim: true);
            var y = centred * (variance + epsilon).rsqrt() * inputs[1]!.reshape(perChannel) + inputs[2]!.reshape(perChannel);
            return new[] { y.MoveToOuterDisposeScope() };
        });
    }
}
