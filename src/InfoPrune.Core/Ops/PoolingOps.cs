using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// MaxPool and AveragePool (1-D and 2-D; strides, dilations for max, explicit or auto pads,
/// ceil_mode, count_include_pad), GlobalAveragePool and GlobalMaxPool. Padding torch cannot
/// express (asymmetric, or wider than half the window) is applied explicitly: −∞ for max, and for
/// average a sum divided by the count of real elements, which is ONNX's count_include_pad=0.
/// </summary>
public sealed class PoolingOps : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>A max or a mean of values lies within their range.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    /// <summary>Pooling works per channel: channels pass through.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => flow.PassThrough(node);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        switch (node.OpType)
        {
            case "GlobalAveragePool":
                return LambdaKernel.Unary(x => x.mean(Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray(), keepdim: true));
            case "GlobalMaxPool":
                return LambdaKernel.Unary(x => x.flatten(2).amax(new[] { 2L }, keepdim: true).reshape(GlobalShape(x)));
        }

        var kernel = node.GetInts("kernel_shape")?.ToArray();
        if (kernel == null)
        {
            context.BadAttribute(node, "kernel_shape is required");
            return new LambdaKernel((_, _) => throw new InvalidOperationException());
        }
        var rank = kernel.Length;
        if (rank is < 1 or > 2) context.BadAttribute(node, $"{rank}-D pooling is not supported (1-D and 2-D are)");
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) context.BadAttribute(node, "the Indices output of MaxPool is not supported");
        if (node.GetInt("storage_order", 0) != 0) context.BadAttribute(node, "storage_order=1 is not supported");
        var strides = node.GetInts("strides")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var dilations = node.GetInts("dilations")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var ceil = node.GetInt("ceil_mode", 0) != 0;
        var padding = new SpatialPadding(node, kernel, strides, dilations);
        var isMax = node.OpType == "MaxPool";
        var countPad = node.GetInt("count_include_pad", 0) != 0;
        if (!isMax && dilations.Any(d => d != 1)) context.BadAttribute(node, "AveragePool with dilations is not supported");

        // 1-D pooling runs as 2-D with a unit height.
        long[] K(long[] v, long unit) => rank == 1 ? new[] { unit, v[0] } : v;

        return LambdaKernel.Unary(input =>
        {
            var x = rank == 1 ? input.unsqueeze(2) : input;
            var spatial = input.shape.AsSpan(2);
            var (begin, end) = padding.Resolve(spatial);
            var native = SpatialPadding.IsSymmetric(begin, end) && begin.Select((p, i) => p * 2 <= kernel[i]).All(ok => ok);
            var k = K(kernel, 1);
            var s = K(strides, 1);
            var d = K(dilations, 1);
            Tensor y;
            if (isMax)
            {
                if (native)
                    y = F.max_pool2d(x, k, s, K(begin, 0), d, ceil);
                else
                    y = F.max_pool2d(F.pad(x, SpatialPadding.ToTorchPad(K(begin, 0), K(end, 0)), value: double.NegativeInfinity), k, s, new long[2], d, ceil);
            }
            else if (native)
            {
                y = F.avg_pool2d(x, k, s, K(begin, 0), ceil, countPad);
            }
            else
            {
                var pad = SpatialPadding.ToTorchPad(K(begin, 0), K(end, 0));
                var sums = F.avg_pool2d(F.pad(x, pad), k, s, new long[2], ceil, true);
                if (countPad)
                {
                    y = sums;
                }
                else
                {
                    // Average only over real elements: pool a mask of ones padded with zeros.
                    var ones = torch.ones(new[] { 1L, 1L, x.shape[2], x.shape[3] }, dtype: x.dtype, device: x.device);
                    var share = F.avg_pool2d(F.pad(ones, pad), k, s, new long[2], ceil, true);
                    y = sums / share;
                }
            }
            return rank == 1 ? y.squeeze(2) : y;
        });
    }

    private static long[] GlobalShape(Tensor x)
    {
        var shape = new long[x.dim()];
        shape[0] = x.shape[0];
        shape[1] = x.shape[1];
        for (var i = 2; i < shape.Length; i++) shape[i] = 1;
        return shape;
    }

    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes) => 0;
}
