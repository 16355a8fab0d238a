using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
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
        return new LambdaKernel((inputs, run) =>
        {
            var y = F.batch_norm(inputs[0]!, inputs[3]!, inputs[4]!, inputs[1]!, inputs[2]!,
                training: run.Training, momentum: 1.0 - momentum, eps: epsilon);
            return new[] { y };
        });
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
