using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Conv (1-D, 2-D, 3-D; groups incl. depthwise; strides, dilations, explicit or auto pads).
/// Weight [M, C/group, k…] and bias [M] are the layer's parameters. 1-D convolution runs as 2-D
/// with a unit height, so one code path serves both.
/// </summary>
public sealed class ConvOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Conv" };
    public (long Min, long Max) Opsets => (1, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    /// <summary>
    /// kernel_shape must be the weight's spatial dims: ONNX Runtime trusts one and TorchSharp the
    /// other, so a file where they differ would be measured by one and shipped by the other.
    /// </summary>
    public void Check(OnnxNode node, CompileContext context)
    {
        var weight = context.ConstantInput(node, 1);
        var kernel = node.GetInts("kernel_shape")?.ToArray();
        if (weight == null || kernel == null) return;
        if (weight.Shape.Count < 3)
        {
            context.Contradiction(node, $"the weight '{node.Inputs[1]}' has shape {ShapeMath.Format(weight.Shape)}; a convolution weight is [M, C/group, k...]");
            return;
        }
        var spatial = weight.Shape.Skip(2).ToArray();
        if (!spatial.SequenceEqual(kernel))
            context.Contradiction(node, $"kernel_shape {ShapeMath.Format(kernel)} contradicts the weight '{node.Inputs[1]}' of shape " +
                $"{ShapeMath.Format(weight.Shape)}, whose kernel is {ShapeMath.Format(spatial)}: the file is inconsistent; re-export it");
    }

    /// <summary>Weight [M, C/group, k…]: output channels on axis 0 of the weight and axis 1 of the output.</summary>
    public WeightedLayerTraits? WeightedLayer(OnnxNode node) => new(WeightInput: 1, BiasInput: 2, WeightOutputAxis: 0, OutputChannelAxis: 1, AcceptsBatchNorm: true);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        Check(node, context);
        var weight = context.ConstantInput(node, 1);
        var kernel = node.GetInts("kernel_shape")?.ToArray()
                     ?? weight?.Shape.Skip(2).ToArray();
        if (kernel == null)
        {
            context.BadAttribute(node, "kernel_shape is absent and the weight is not a constant, so the kernel size is unknown");
            return new LambdaKernel((_, _) => throw new InvalidOperationException());
        }
        var rank = kernel.Length;
        if (rank is < 1 or > 3) context.BadAttribute(node, $"{rank}-D convolution is not supported (1-D to 3-D are)");
        var strides = node.GetInts("strides")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var dilations = node.GetInts("dilations")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var groups = node.GetInt("group", 1);
        var padding = new SpatialPadding(node, kernel, strides, dilations);
        if (!padding.IsValidAutoPad) context.BadAttribute(node, $"auto_pad '{node.GetString("auto_pad", "")}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        var hasBias = node.HasInput(2);

        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var w = inputs[1]!;
            var b = hasBias ? inputs[2] : null;
            var (begin, end) = padding.Resolve(x.shape.AsSpan(2));
            long[] symmetric;
            if (SpatialPadding.IsSymmetric(begin, end))
            {
                symmetric = begin;
            }
            else
            {
                x = F.pad(x, SpatialPadding.ToTorchPad(begin, end));
                symmetric = new long[rank];
            }
            Tensor y;
            if (rank == 1)
            {
                y = F.conv2d(x.unsqueeze(2), w.unsqueeze(2), b,
                    new[] { 1L, strides[0] }, new[] { 0L, symmetric[0] }, new[] { 1L, dilations[0] }, groups).squeeze(2);
            }
            else if (rank == 2)
            {
                y = F.conv2d(x, w, b, strides, symmetric, dilations, groups);
            }
            else
            {
                y = F.conv3d(x, w, b, strides, symmetric, dilations, groups);
            }
            return new[] { y };
        });
    }

    /// <summary>
    /// Plain conv: reads the input's channels through weight axis 1 and creates a new group on
    /// weight axis 0 (and the bias). Depthwise (group = input channels): output channel c·m+j
    /// belongs to input channel c, so the input's groups pass through, owning blocks of m filters,
    /// and `group` follows the kept width. Other grouped convs are frozen.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var input = flow.SpaceOf(node.Inputs[0]);
        var weight = node.Inputs[1];
        var hasBias = node.HasInput(2) && flow.IsInitializer(node.Inputs[2]);
        if (!flow.IsInitializer(weight) || (node.HasInput(2) && !hasBias))
        {
            flow.Freeze(input, $"'{node.DisplayName}' (Conv) has computed weights");
            return;
        }
        var w = flow.Graph.Initializers[weight].Shape;
        var groups = node.GetInt("group", 1);
        var inChannels = w[1] * groups;
        if (groups == 1)
        {
            if (input != null) flow.AddMember(input, weight, 1, MemberRole.Consumer, node, consumedValue: node.Inputs[0]);
            var output = flow.NewGroup(node, (int)w[0]);
            flow.AddMember(output, weight, 0, MemberRole.Producer, node);
            if (hasBias) flow.AddMember(output, node.Inputs[2], 0, MemberRole.Producer, node);
            flow.SetSpace(node.Outputs[0], output);
        }
        else if (groups == inChannels && w[1] == 1)
        {
            if (input == null) return;
            var multiplier = w[0] / inChannels;
            flow.AddMember(input, weight, 0, MemberRole.PerChannel, node, multiplier);
            if (hasBias) flow.AddMember(input, node.Inputs[2], 0, MemberRole.PerChannel, node, multiplier);
            flow.AddAttributeEdit(node, "group", input);
            flow.SetSpace(node.Outputs[0], multiplier == 1 ? input : input.Expand(multiplier));
        }
        else
        {
            flow.Freeze(input, $"'{node.DisplayName}' is a grouped convolution (group={groups}), which is not pruned");
        }
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        // Each output element is a dot product over (C/group) input channels × the kernel window.
        var weight = inputShapes[1];
        long perOutput = 1;
        for (var i = 1; i < weight.Length; i++) perOutput *= weight[i];
        return ShapeMath.Product(outputShapes[0]) * perOutput;
    }
}
