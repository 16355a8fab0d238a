using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>
/// The padding of a sliding-window op (Conv, pooling), resolved from ONNX's `pads` or `auto_pad`.
/// ONNX pads are [x1_begin, x2_begin, …, x1_end, x2_end] and may be asymmetric; torch's
/// convolution/pooling take one symmetric pad per axis, so asymmetric padding is applied as an
/// explicit pad first.
/// </summary>
public sealed class SpatialPadding
{
    private readonly string _autoPad;
    private readonly long[] _pads;        // begin..., end...
    private readonly long[] _kernel;
    private readonly long[] _strides;
    private readonly long[] _dilations;

    public SpatialPadding(OnnxNode node, long[] kernel, long[] strides, long[] dilations)
    {
        _autoPad = node.GetString("auto_pad", "NOTSET");
        _kernel = kernel;
        _strides = strides;
        _dilations = dilations;
        _pads = node.GetInts("pads")?.ToArray() ?? new long[kernel.Length * 2];
    }

    public bool IsValidAutoPad => _autoPad is "NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER";

    /// <summary>Begin and end pads per spatial axis for an input with these spatial sizes.</summary>
    public (long[] Begin, long[] End) Resolve(ReadOnlySpan<long> spatial)
    {
        var rank = _kernel.Length;
        var begin = new long[rank];
        var end = new long[rank];
        switch (_autoPad)
        {
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (var i = 0; i < rank; i++)
                {
                    // Output size ceil(in / stride); pad whatever the last window needs beyond the input.
                    var output = (spatial[i] + _strides[i] - 1) / _strides[i];
                    var total = Math.Max(0, (output - 1) * _strides[i] + (_kernel[i] - 1) * _dilations[i] + 1 - spatial[i]);
                    var small = total / 2;
                    begin[i] = _autoPad == "SAME_UPPER" ? small : total - small;
                    end[i] = total - begin[i];
                }
                break;
            case "VALID":
                break;
            default:
                for (var i = 0; i < rank; i++) { begin[i] = _pads[i]; end[i] = _pads[rank + i]; }
                break;
        }
        return (begin, end);
    }

    /// <summary>
    /// torch's F.pad argument for (begin, end) pads: pairs from the LAST axis backwards.
    /// </summary>
    public static long[] ToTorchPad(long[] begin, long[] end)
    {
        var rank = begin.Length;
        var pad = new long[rank * 2];
        for (var i = 0; i < rank; i++)
        {
            pad[2 * i] = begin[rank - 1 - i];
            pad[2 * i + 1] = end[rank - 1 - i];
        }
        return pad;
    }

    public static bool IsSymmetric(long[] begin, long[] end) => begin.AsSpan().SequenceEqual(end);
}
