using System.Runtime.InteropServices;

namespace InfoPrune.Core.Data;

/// <summary>
/// Turns one sample's stored bytes into model floats with the preprocessing folded into per-channel
/// constants, so the hot loop is a table look-up (uint8) or one multiply-add (other types) per value
/// and allocates nothing.
/// </summary>
internal sealed class SampleConverter
{
    private static readonly SampleConverter[] Identities =
        Enum.GetValues<DataElementType>().Select(t => new SampleConverter(t, 1.0, [0.0], [1.0], channels: 1)).ToArray();

    private readonly DataElementType _type;
    private readonly int _channels;
    private readonly float[] _multiplier;
    private readonly float[] _offset;
    // For uint8: the 256 possible results per channel, computed once in double precision.
    private readonly float[]? _byteTable;

    /// <summary>
    /// <paramref name="mean"/> and <paramref name="std"/> have one value or <paramref name="channels"/>
    /// values (checked by the caller); std values are positive.
    /// </summary>
    public SampleConverter(DataElementType type, double scale, IReadOnlyList<double> mean, IReadOnlyList<double> std, int channels)
    {
        _type = type;
        _channels = channels;
        _multiplier = new float[channels];
        _offset = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = mean.Count == 1 ? mean[0] : mean[c];
            double s = std.Count == 1 ? std[0] : std[c];
            _multiplier[c] = (float)(scale / s);
            _offset[c] = (float)(-m / s);
        }
        if (type == DataElementType.UInt8)
        {
            _byteTable = new float[channels * 256];
            for (int c = 0; c < channels; c++)
            {
                double m = mean.Count == 1 ? mean[0] : mean[c];
                double s = std.Count == 1 ? std[0] : std[c];
                for (int v = 0; v < 256; v++) _byteTable[c * 256 + v] = (float)((v * scale - m) / s);
            }
        }
    }

    /// <summary>Converts stored values to floats unchanged.</summary>
    public static SampleConverter Identity(DataElementType type) => Identities[(int)type];

    /// <summary>
    /// Converts a whole sample: <paramref name="destination"/> holds exactly one sample's values and
    /// <paramref name="raw"/> its stored bytes (little-endian, which every supported runtime is).
    /// </summary>
    public void Convert(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        int channelLength = destination.Length / _channels;
        for (int c = 0; c < _channels; c++)
        {
            var target = destination.Slice(c * channelLength, channelLength);
            switch (_type)
            {
                case DataElementType.UInt8:
                    ConvertBytes(raw.Slice(c * channelLength, channelLength), _byteTable.AsSpan(c * 256, 256), target);
                    break;
                case DataElementType.Float32:
                    ConvertFloats(MemoryMarshal.Cast<byte, float>(raw.Slice(c * channelLength * 4, channelLength * 4)), _multiplier[c], _offset[c], target);
                    break;
                case DataElementType.Int32:
                    var ints = MemoryMarshal.Cast<byte, int>(raw.Slice(c * channelLength * 4, channelLength * 4));
                    for (int i = 0; i < target.Length; i++) target[i] = ints[i] * _multiplier[c] + _offset[c];
                    break;
                case DataElementType.Int64:
                    var longs = MemoryMarshal.Cast<byte, long>(raw.Slice(c * channelLength * 8, channelLength * 8));
                    for (int i = 0; i < target.Length; i++) target[i] = longs[i] * _multiplier[c] + _offset[c];
                    break;
            }
        }
    }

    private static void ConvertBytes(ReadOnlySpan<byte> source, ReadOnlySpan<float> table, Span<float> target)
    {
        for (int i = 0; i < target.Length; i++) target[i] = table[source[i]];
    }

    private static void ConvertFloats(ReadOnlySpan<float> source, float multiplier, float offset, Span<float> target)
    {
        if (multiplier == 1f && offset == 0f)
        {
            source.CopyTo(target);
            return;
        }
        for (int i = 0; i < target.Length; i++) target[i] = source[i] * multiplier + offset;
    }
}
