using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// BatchNormalization. Scale and bias are learned; the running mean and variance are state that
/// train mode updates in place. ONNX's momentum weights the OLD running value
/// (running = running·m + batch·(1−m)); torch's weights the NEW one, hence 1 − m.
/// </summary>
public sealed class BatchNormalizationOp : IOpFamily, IChannelRule
{
    /// <summary>The op type, for transforms that insert one.</summary>
    public const string OpType = "BatchNormalization";

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { OpType };
    public (long Min, long Max) Opsets => (7, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };
    public IReadOnlyCollection<int> StateInputs(OnnxNode node) => new[] { 3, 4 };

    public bool NormalizesChannels(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var epsilon = node.GetFloat("epsilon", 1e-5f);
        var momentum = node.GetFloat("momentum", 0.9f);
        var extraOutputs = node.Outputs.Skip(1).Where(o => o.Length > 0).ToArray();
        if (node.Opset >= 14 && node.GetInt("training_mode", 0) != 0)
            return new LambdaKernel((inputs, _) => TrainingMode(inputs, epsilon, momentum));
        // Before opset 14 the statistics outputs (and from 14 without training_mode) are for
        // training runtimes; the executor does not produce them, so it says so now rather than
        // hand a consumer nothing.
        if (extraOutputs.Length > 0)
            context.Unsupported(node, OpsErrors.UnsupportedOutput,
                $"outputs {string.Join(", ", extraOutputs.Select(o => $"'{o}'"))} are produced only with training_mode=1 (opset 14+)");
        return new LambdaKernel((inputs, run) =>
        {
            var y = F.batch_norm(inputs[0]!, inputs[3]!, inputs[4]!, inputs[1]!, inputs[2]!,
                training: run.Training, momentum: 1.0 - momentum, eps: epsilon);
            return new[] { y };
        });
    }

    /// <summary>
    /// training_mode=1 as ONNX defines it, in either executor mode: normalise with the batch's
    /// mean and (biased) variance, and output the running statistics updated with them
    /// (running·m + batch·(1−m)). The graph's initializers are not touched: the new statistics
    /// are outputs, as in ONNX.
    /// </summary>
    private static Tensor[] TrainingMode(Tensor?[] inputs, float epsilon, float momentum)
    {
        var x = inputs[0]!;
        var axes = Enumerable.Range(0, (int)x.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        var statShape = Enumerable.Range(0, (int)x.dim()).Select(d => d == 1 ? x.shape[1] : 1L).ToArray();
        using var scope = torch.NewDisposeScope();
        var mean = x.mean(axes);
        var variance = x.var(axes, unbiased: false);
        var normalized = (x - mean.reshape(statShape)) / (variance.reshape(statShape) + epsilon).sqrt();
        var y = normalized * inputs[1]!.reshape(statShape) + inputs[2]!.reshape(statShape);
        var runningMean = inputs[3]! * momentum + mean * (1 - momentum);
        var runningVariance = inputs[4]! * momentum + variance * (1 - momentum);
        return new[] { y.MoveToOuterDisposeScope(), runningMean.MoveToOuterDisposeScope(), runningVariance.MoveToOuterDisposeScope() };
    }

    /// <summary>Channels pass through; scale, bias, mean and variance are sliced with them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var space = flow.SpaceOf(node.Inputs[0]);
        if (space == null) return;
        for (var i = 1; i <= 4; i++)
        {
            if (!flow.IsInitializer(node.Inputs[i]))
            {
                flow.Freeze(space, $"'{node.DisplayName}' (BatchNormalization) has computed parameters");
                return;
            }
            flow.AddMember(space, node.Inputs[i], 0, MemberRole.PerChannel, node);
        }
        flow.SetSpace(node.Outputs[0], space);
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes) => 0;
}
