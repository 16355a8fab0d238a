using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// ConvTranspose (1-D to 3-D; strides, dilations, groups, explicit or auto pads,
/// output_padding, output_shape). Weight [C, M/group, k…] and bias [M] are the layer's
/// parameters.
/// </summary>
/// <remarks>
/// torch's transposed convolution takes one symmetric pad per axis and limits output_padding, so
/// the kernel runs unpadded, appends zeros at the end of each axis (output_padding, or an
/// output_shape larger than the full result: those positions receive no input, only the bias),
/// and crops the begin and end pads itself. Pads from output_shape or auto_pad are split as the
/// ONNX spec says: SAME_UPPER puts the odd one at the end, anything else at the beginning.
/// </remarks>
public sealed class ConvTransposeOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "ConvTranspose" };
    public (long Min, long Max) Opsets => (1, 22);

    public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => new[] { 1, 2 };

    /// <summary>
    /// Weight [C, M, k…] (group 1): output channels on axis 1 of the weight and axis 1 of the
    /// output. Grouped ones hold each group's outputs on axis 1, which is not one channel per
    /// index, so they have no traits (their channels are frozen anyway).
    /// </summary>
    public WeightedLayerTraits? WeightedLayer(OnnxNode node) => node.GetInt("group", 1) == 1
        ? new(WeightInput: 1, BiasInput: 2, WeightOutputAxis: 1, OutputChannelAxis: 1, AcceptsBatchNorm: true)
        : null;

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var kernelAttribute = node.GetInts("kernel_shape")?.ToArray();
        var weight = context.ConstantInput(node, 1);
        var rank = kernelAttribute?.Length ?? (weight != null ? weight.Shape.Count - 2 : -1);
        if (rank is < 1 or > 3 && rank != -1) context.Unsupported(node, null, $"{rank}-D transposed convolution is not supported (1-D to 3-D are)");
        var autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
            context.BadAttribute(node, $"auto_pad '{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        var groups = node.GetInt("group", 1);
        var stridesAttribute = node.GetInts("strides")?.ToArray();
        var dilationsAttribute = node.GetInts("dilations")?.ToArray();
        var padsAttribute = node.GetInts("pads")?.ToArray();
        var outputPaddingAttribute = node.GetInts("output_padding")?.ToArray();
        var outputShapeAttribute = node.GetInts("output_shape")?.ToArray();
        var hasBias = node.HasInput(2);

        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var w = inputs[1]!;
            var n = (int)x.dim() - 2;
            long[] Or(long[]? given, long fill) => given ?? Enumerable.Repeat(fill, n).ToArray();
            var strides = Or(stridesAttribute, 1);
            var dilations = Or(dilationsAttribute, 1);
            var adjust = Or(outputPaddingAttribute, 0);
            var kernel = kernelAttribute ?? w.shape[2..];
            using var scope = torch.NewDisposeScope();
            var full = n switch
            {
                // 1-D runs as 2-D with a unit height, as Conv does.
                1 => F.conv_transpose2d(x.unsqueeze(2), w.unsqueeze(2), null, strides: new[] { 1L, strides[0] }, groups: groups, dilation: new[] { 1L, dilations[0] }).squeeze(2),
                2 => F.conv_transpose2d(x, w, null, strides: strides, groups: groups, dilation: dilations),
                3 => F.conv_transpose3d(x, w, null, strides: strides, groups: groups, dilation: dilations),
                _ => throw Axes.Failure(node, $"{n}-D transposed convolution is not supported"),
            };
            var y = full;
            for (var i = 0; i < n; i++)
            {
                var input = x.shape[2 + i];
                var available = (input - 1) * strides[i] + adjust[i] + (kernel[i] - 1) * dilations[i] + 1;
                long head, length;
                long? wanted = outputShapeAttribute is { } shape ? shape[shape.Length - n + i]
                    : autoPad is "SAME_UPPER" or "SAME_LOWER" ? input * strides[i] : null;
                if (wanted is { } size)
                {
                    var padding = Math.Max(0, available - size);
                    head = autoPad == "SAME_UPPER" ? padding / 2 : padding - padding / 2;
                    length = size;
                }
                else if (autoPad == "VALID" || padsAttribute == null)
                {
                    head = 0;
                    length = available;
                }
                else
                {
                    head = padsAttribute[i];
                    length = available - padsAttribute[i] - padsAttribute[n + i];
                }
                var dim = 2 + i;
                var missing = head + length - y.shape[dim];
                if (missing > 0)
                {
                    var extra = new long[2 * n];
                    extra[2 * (n - 1 - i) + 1] = missing; // F.pad pairs run from the last axis backwards
                    y = F.pad(y, extra);
                }
                if (head < 0 || length < 0) throw Axes.Failure(node, $"pads crop more than the output along spatial axis {i}");
                y = y.narrow(dim, head, length);
            }
            if (hasBias) y = y + inputs[2]!.reshape(Enumerable.Range(0, n + 2).Select(d => d == 1 ? -1L : 1L).ToArray());
            return new[] { y.contiguous().MoveToOuterDisposeScope() };
        });
    }

    /// <summary>
    /// Like Conv with the weight's axes swapped: reads the input's channels through weight axis 0
    /// and creates a group on weight axis 1 (and the bias). Grouped transposed convolutions are
    /// frozen.
    /// </summary>
    public void Propagate(OnnxNode node, ChannelFlow flow)
    {
        var input = flow.SpaceOf(node.Inputs[0]);
        var weight = node.Inputs[1];
        var hasBias = node.HasInput(2) && flow.IsInitializer(node.Inputs[2]);
        if (!flow.IsInitializer(weight) || (node.HasInput(2) && !hasBias))
        {
            flow.Freeze(input, $"'{node.DisplayName}' (ConvTranspose) has computed weights");
            return;
        }
        if (node.GetInt("group", 1) != 1)
        {
            flow.Freeze(input, $"'{node.DisplayName}' is a grouped transposed convolution (group={node.GetInt("group", 1)}), which is not pruned");
            return;
        }
        var w = flow.Graph.Initializers[weight].Shape;
        if (input != null) flow.AddMember(input, weight, 0, MemberRole.Consumer, node, consumedValue: node.Inputs[0]);
        var output = flow.NewGroup(node, (int)w[1]);
        flow.AddMember(output, weight, 1, MemberRole.Producer, node);
        if (hasBias) flow.AddMember(output, node.Inputs[2], 0, MemberRole.Producer, node);
        flow.SetSpace(node.Outputs[0], output);
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        // Every input element is scattered into (M/group) × kernel-window outputs.
        var weight = inputShapes[1];
        long perInput = 1;
        for (var i = 1; i < weight.Length; i++) perInput *= weight[i];
        return ShapeMath.Product(inputShapes[0]) * perInput;
    }
}
