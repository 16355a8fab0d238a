using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// MaxPool (with its optional Indices output) and AveragePool (1-D to 3-D; strides, dilations
/// for max, explicit or auto pads, ceil_mode, count_include_pad), GlobalAveragePool and GlobalMaxPool. Padding torch cannot
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
        if (rank is < 1 or > 3) context.Unsupported(node, null, $"{rank}-D pooling is not supported (1-D to 3-D are)");
        var wantsIndices = node.OpType == "MaxPool" && node.Outputs.Count > 1 && node.Outputs[1].Length > 0;
        var columnMajor = node.GetInt("storage_order", 0) != 0;
        var strides = node.GetInts("strides")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var dilations = node.GetInts("dilations")?.ToArray() ?? Enumerable.Repeat(1L, rank).ToArray();
        var ceil = node.GetInt("ceil_mode", 0) != 0;
        var padding = new SpatialPadding(node, kernel, strides, dilations);
        var isMax = node.OpType == "MaxPool";
        var countPad = node.GetInt("count_include_pad", 0) != 0;
        if (!isMax && dilations.Any(d => d != 1)) context.Unsupported(node, null, "AveragePool with dilations is not supported");

        // 1-D pooling runs as 2-D with a unit height.
        long[] K(long[] v, long unit) => rank == 1 ? new[] { unit, v[0] } : v;
        var torchRank = Math.Max(rank, 2);
        Tensor AvgPool(Tensor t, long[] k, long[] s, long[] p, bool includePad) =>
            torchRank == 3 ? F.avg_pool3d(t, k, s, p, ceil, includePad) : F.avg_pool2d(t, k, s, p, ceil, includePad);

        return new LambdaKernel((inputs, _) =>
        {
            var input = inputs[0]!;
            var x = rank == 1 ? input.unsqueeze(2) : input;
            var spatial = input.shape.AsSpan(2);
            var (begin, end) = padding.Resolve(spatial);
            var native = SpatialPadding.IsSymmetric(begin, end) && begin.Select((p, i) => p * 2 <= kernel[i]).All(ok => ok);
            var k = K(kernel, 1);
            var s = K(strides, 1);
            var d = K(dilations, 1);
            var noPad = new long[torchRank];
            Tensor y;
            Tensor? indices = null;
            if (isMax)
            {
                var source = native ? x : F.pad(x, SpatialPadding.ToTorchPad(K(begin, 0), K(end, 0)), value: double.NegativeInfinity);
                var pads = native ? K(begin, 0) : noPad;
                if (wantsIndices)
                {
                    (y, var planeIndices) = torchRank == 3
                        ? F.max_pool3d_with_indices(source, k, s, pads, d, ceil)
                        : F.max_pool2d_with_indices(source, k, s, pads, d, ceil);
                    indices = OnnxIndices(planeIndices, source.shape[2..], native ? new long[torchRank] : K(begin, 0), input.shape, rank, columnMajor);
                }
                else
                {
                    y = torchRank == 3 ? F.max_pool3d(source, k, s, pads, d, ceil) : F.max_pool2d(source, k, s, pads, d, ceil);
                }
            }
            else if (native)
            {
                y = AvgPool(x, k, s, K(begin, 0), countPad);
            }
            else
            {
                var pad = SpatialPadding.ToTorchPad(K(begin, 0), K(end, 0));
                var sums = AvgPool(F.pad(x, pad), k, s, noPad, true);
                if (countPad)
                {
                    y = sums;
                }
                else
                {
                    // Average only over real elements: pool a mask of ones padded with zeros.
                    var ones = torch.ones(new[] { 1L, 1L }.Concat(x.shape[2..]).ToArray(), dtype: x.dtype, device: x.device);
                    var share = AvgPool(F.pad(ones, pad), k, s, noPad, true);
                    y = sums / share;
                }
            }
            if (rank == 1)
            {
                y = y.squeeze(2);
                indices = indices?.squeeze(2);
            }
            return indices is null ? new[] { y } : new[] { y, indices };
        });
    }

    /// <summary>
    /// torch's indices count within one (sample, channel) plane of the pooled (maybe padded)
    /// input; ONNX's count over the whole input tensor, row-major (storage_order 0) or with the
    /// spatial axes column-major (1). Converts via each element's spatial coordinates.
    /// </summary>
    private static Tensor OnnxIndices(Tensor planeIndices, long[] plane, long[] padBegin, long[] inputShape, int rank, bool columnMajor)
    {
        var spatial = inputShape[2..];
        var remaining = planeIndices;
        var coordinates = new Tensor[plane.Length];
        for (var i = plane.Length - 1; i >= 0; i--)
        {
            coordinates[i] = remaining.remainder(plane[i]) - padBegin[i];
            remaining = remaining.div(plane[i], RoundingMode.floor);
        }
        // 1-D pooling ran with a unit height: drop that coordinate.
        if (rank == 1) coordinates = coordinates[1..];
        var order = columnMajor ? Enumerable.Range(0, rank).Reverse().ToArray() : Enumerable.Range(0, rank).ToArray();
        var index = torch.zeros_like(planeIndices);
        foreach (var i in order) index = index * spatial[i] + coordinates[i];
        var planeSize = ShapeMath.Product(spatial);
        var n = inputShape[0];
        var c = inputShape[1];
        var planeOffset = torch.arange(n * c, dtype: ScalarType.Int64, device: planeIndices.device) * planeSize;
        var offsetShape = new long[planeIndices.dim()];
        Array.Fill(offsetShape, 1L);
        offsetShape[0] = n;
        offsetShape[1] = c;
        return index + planeOffset.reshape(offsetShape);
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
