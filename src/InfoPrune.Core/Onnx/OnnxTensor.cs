using System.Runtime.InteropServices;
using Google.Protobuf;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Onnx;

/// <summary>
/// An initializer or constant, decoded. Floating-point data (float32, float16, bfloat16, double)
/// is held as float32 — the precision the executor runs at — while <see cref="StoredType"/>
/// remembers how the file stored it, so a sliced tensor is written back in its original type.
/// Integer and bool data are held as int64.
/// </summary>
public sealed class OnnxTensor
{
    public string Name { get; }
    /// <summary>The element type as stored in the file.</summary>
    public TensorElementType StoredType { get; }
    public IReadOnlyList<long> Shape { get; }
    private readonly float[]? _floats;
    private readonly long[]? _integers;

    private OnnxTensor(string name, TensorElementType storedType, long[] shape, float[]? floats, long[]? integers)
    {
        Name = name;
        StoredType = storedType;
        Shape = shape;
        _floats = floats;
        _integers = integers;
    }

    public static OnnxTensor FromFloats(string name, long[] shape, float[] data, TensorElementType storedType = TensorElementType.Float)
    {
        CheckCount(name, shape, data.Length);
        return new OnnxTensor(name, storedType, shape, data, null);
    }

    public static OnnxTensor FromInt64s(string name, long[] shape, long[] data, TensorElementType storedType = TensorElementType.Int64)
    {
        CheckCount(name, shape, data.Length);
        return new OnnxTensor(name, storedType, shape, null, data);
    }

    /// <summary>True when the data is floating point (float32/16, bfloat16, double).</summary>
    public bool IsFloatingPoint => _floats != null;
    public long ElementCount => ShapeMath.Product(Shape);

    /// <summary>The data as float32 (integers converted).</summary>
    public ReadOnlySpan<float> Floats => _floats ?? _integers!.Select(v => (float)v).ToArray();
    /// <summary>The data as int64 (floats truncated).</summary>
    public ReadOnlySpan<long> Int64s => _integers ?? _floats!.Select(v => (long)v).ToArray();

    public float[] ToFloatArray() => Floats.ToArray();
    public long[] ToInt64Array() => Int64s.ToArray();

    /// <summary>Decodes a TensorProto; external data is read relative to <paramref name="baseDirectory"/>.</summary>
    public static OnnxTensor FromProto(TensorProto proto, string? baseDirectory, string? modelPath)
    {
        var name = proto.Name;
        var type = (TensorElementType)proto.DataType;
        var shape = proto.Dims.ToArray();
        var raw = proto.DataLocation == TensorProto.Types.DataLocation.External
            ? ReadExternal(proto, baseDirectory, modelPath)
            : proto.HasRawData ? proto.RawData.Span : ReadOnlySpan<byte>.Empty;
        var hasRaw = proto.DataLocation == TensorProto.Types.DataLocation.External || proto.HasRawData;

        try
        {
            switch (type)
            {
                case TensorElementType.Float:
                    return FromFloats(name, shape, hasRaw ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : proto.FloatData.ToArray(), type);
                case TensorElementType.Double:
                    return FromFloats(name, shape, (hasRaw ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : proto.DoubleData.ToArray()).Select(d => (float)d).ToArray(), type);
                case TensorElementType.Float16:
                    return FromFloats(name, shape, hasRaw
                        ? MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray()
                        : proto.Int32Data.Select(bits => (float)BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray(), type);
                case TensorElementType.BFloat16:
                    return FromFloats(name, shape, (hasRaw ? MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(b => (int)b).ToArray() : proto.Int32Data.ToArray())
                        .Select(bits => BitConverter.Int32BitsToSingle(bits << 16)).ToArray(), type);
                case TensorElementType.Int64:
                    return FromInt64s(name, shape, hasRaw ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : proto.Int64Data.ToArray(), type);
                case TensorElementType.Int32:
                case TensorElementType.Int16:
                case TensorElementType.Int8:
                case TensorElementType.UInt16:
                case TensorElementType.UInt8:
                case TensorElementType.Bool:
                    return FromInt64s(name, shape, hasRaw ? DecodeSmallIntegers(raw, type) : proto.Int32Data.Select(v => (long)v).ToArray(), type);
                case TensorElementType.UInt32:
                case TensorElementType.UInt64:
                    return FromInt64s(name, shape, hasRaw ? DecodeSmallIntegers(raw, type) : proto.Uint64Data.Select(v => (long)v).ToArray(), type);
                default:
                    throw new InfoPruneException(OnnxErrors.BadTensor,
                        $"initializer '{name}' has element type {type} ({proto.DataType}), which InfoPrune does not read", modelPath);
            }
        }
        catch (ArgumentException ex)
        {
            throw new InfoPruneException(OnnxErrors.BadTensor, $"initializer '{name}': {ex.Message}", modelPath);
        }
    }

    private static long[] DecodeSmallIntegers(ReadOnlySpan<byte> raw, TensorElementType type) => type switch
    {
        TensorElementType.Int32 => Widen(MemoryMarshal.Cast<byte, int>(raw)),
        TensorElementType.Int16 => Widen(MemoryMarshal.Cast<byte, short>(raw)),
        TensorElementType.UInt16 => Widen(MemoryMarshal.Cast<byte, ushort>(raw)),
        TensorElementType.Int8 => Widen(MemoryMarshal.Cast<byte, sbyte>(raw)),
        TensorElementType.UInt32 => Widen(MemoryMarshal.Cast<byte, uint>(raw)),
        TensorElementType.UInt64 => Widen(MemoryMarshal.Cast<byte, ulong>(raw)),
        _ => Widen(raw), // uint8 and bool are one byte each
    };

    private static long[] Widen<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var result = new long[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = Convert.ToInt64(values[i]);
        return result;
    }

    private static byte[] ReadExternal(TensorProto proto, string? baseDirectory, string? modelPath)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var entry in proto.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        if (location == null)
            throw new InfoPruneException(OnnxErrors.ExternalDataMissing, $"initializer '{proto.Name}' is external but names no location", modelPath);
        var file = Path.GetFullPath(Path.Combine(baseDirectory ?? ".", location));
        if (!File.Exists(file))
            throw new InfoPruneException(OnnxErrors.ExternalDataMissing, $"initializer '{proto.Name}': external data file '{file}' not found", modelPath);
        using var stream = File.OpenRead(file);
        if (length < 0) length = stream.Length - offset;
        if (offset + length > stream.Length)
            throw new InfoPruneException(OnnxErrors.ExternalDataMissing,
                $"initializer '{proto.Name}': external data file '{file}' has {stream.Length} bytes, needs {offset + length}", modelPath);
        var buffer = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>
    /// Encodes this tensor as a TensorProto in its stored type. When <paramref name="template"/> is
    /// given (the proto this tensor came from), its layout is followed (raw_data or typed fields,
    /// doc string, metadata), so an edited file differs from the original only where data changed.
    /// </summary>
    public TensorProto ToProto(TensorProto? template = null)
    {
        var proto = template?.Clone() ?? new TensorProto();
        proto.Name = Name;
        proto.DataType = (int)StoredType;
        proto.Dims.Clear();
        proto.Dims.AddRange(Shape);
        proto.FloatData.Clear(); proto.Int32Data.Clear(); proto.Int64Data.Clear();
        proto.DoubleData.Clear(); proto.Uint64Data.Clear(); proto.StringData.Clear();
        proto.ExternalData.Clear();
        proto.ClearDataLocation();
        var useRaw = template == null || template.HasRawData || template.DataLocation == TensorProto.Types.DataLocation.External;
        if (useRaw)
        {
            proto.RawData = ByteString.CopyFrom(EncodeRaw());
        }
        else
        {
            proto.ClearRawData();
            EncodeTyped(proto);
        }
        return proto;
    }

    private byte[] EncodeRaw()
    {
        switch (StoredType)
        {
            case TensorElementType.Float: return MemoryMarshal.AsBytes(_floats.AsSpan()).ToArray();
            case TensorElementType.Double: return MemoryMarshal.AsBytes(_floats!.Select(f => (double)f).ToArray().AsSpan()).ToArray();
            case TensorElementType.Float16: return MemoryMarshal.AsBytes(_floats!.Select(f => (Half)f).ToArray().AsSpan()).ToArray();
            case TensorElementType.BFloat16: return MemoryMarshal.AsBytes(_floats!.Select(ToBFloat16).ToArray().AsSpan()).ToArray();
            case TensorElementType.Int64: return MemoryMarshal.AsBytes(_integers.AsSpan()).ToArray();
            case TensorElementType.UInt64: return MemoryMarshal.AsBytes(_integers!.Select(v => (ulong)v).ToArray().AsSpan()).ToArray();
            case TensorElementType.Int32: return MemoryMarshal.AsBytes(_integers!.Select(v => (int)v).ToArray().AsSpan()).ToArray();
            case TensorElementType.UInt32: return MemoryMarshal.AsBytes(_integers!.Select(v => (uint)v).ToArray().AsSpan()).ToArray();
            case TensorElementType.Int16: return MemoryMarshal.AsBytes(_integers!.Select(v => (short)v).ToArray().AsSpan()).ToArray();
            case TensorElementType.UInt16: return MemoryMarshal.AsBytes(_integers!.Select(v => (ushort)v).ToArray().AsSpan()).ToArray();
            case TensorElementType.Int8: return _integers!.Select(v => unchecked((byte)(sbyte)v)).ToArray();
            default: return _integers!.Select(v => (byte)v).ToArray(); // uint8, bool
        }
    }

    private void EncodeTyped(TensorProto proto)
    {
        switch (StoredType)
        {
            case TensorElementType.Float: proto.FloatData.AddRange(_floats!); break;
            case TensorElementType.Double: proto.DoubleData.AddRange(_floats!.Select(f => (double)f)); break;
            case TensorElementType.Float16: proto.Int32Data.AddRange(_floats!.Select(f => (int)BitConverter.HalfToUInt16Bits((Half)f))); break;
            case TensorElementType.BFloat16: proto.Int32Data.AddRange(_floats!.Select(f => (int)ToBFloat16(f))); break;
            case TensorElementType.Int64: proto.Int64Data.AddRange(_integers!); break;
            case TensorElementType.UInt32:
            case TensorElementType.UInt64: proto.Uint64Data.AddRange(_integers!.Select(v => (ulong)v)); break;
            default: proto.Int32Data.AddRange(_integers!.Select(v => (int)v)); break;
        }
    }

    private static ushort ToBFloat16(float value)
    {
        // Round to nearest even on the 16 bits dropped.
        var bits = BitConverter.SingleToUInt32Bits(value);
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    private static void CheckCount(string name, IReadOnlyList<long> shape, int count)
    {
        var expected = ShapeMath.Product(shape);
        if (expected != count)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] needs {expected} elements, data has {count}");
    }
}

/// <summary>Small shape helpers shared by the IR and the ops.</summary>
public static class ShapeMath
{
    public static long Product(IReadOnlyList<long> shape)
    {
        long p = 1;
        foreach (var d in shape) p *= d;
        return p;
    }

    public static string Format(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}
