using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Data;

/// <summary>
/// An array read from a data file whose first axis indexes samples: images [N, H, W] or [N, C, H, W],
/// labels [N]. Values stay in their stored type (uint8 stays one byte per value), in memory or
/// mapped from the file (<see cref="IsStreamed"/>); they become floats only when a sample is copied
/// out. Reading is thread-safe; dispose to release the file.
/// </summary>
public sealed class SampleArray : IDisposable
{
    /// <summary>
    /// Uncompressed files with at least this much data (64 MiB) are read on demand instead of loaded.
    /// Fashion-MNIST's training images (47 MB) stay below it and load once.
    /// </summary>
    public const long DefaultStreamAboveBytes = 64L << 20;

    private const string InMemoryName = "(in memory)";

    private readonly ArrayStorage _storage;
    private readonly int _sampleBytes;

    internal SampleArray(string file, string? arrayName, string format, int count, int[] sampleShape,
        DataElementType elementType, ArrayStorage storage)
    {
        File = file;
        ArrayName = arrayName;
        Format = format;
        Count = count;
        SampleShape = sampleShape;
        SampleLength = sampleShape.Aggregate(1, (product, d) => product * d);
        ElementType = elementType;
        _storage = storage;
        _sampleBytes = SampleLength * elementType.SizeInBytes();
    }

    /// <summary>The file the array was read from, as named in diagnostics.</summary>
    public string File { get; }

    /// <summary>The array's name inside an NPZ archive; null for IDX and NPY files.</summary>
    public string? ArrayName { get; }

    /// <summary>Where the array came from: <c>IDX</c>, <c>NPY</c>, <c>NPZ</c> or <c>memory</c>.</summary>
    public string Format { get; }

    /// <summary>Number of samples (the first dimension).</summary>
    public int Count { get; }

    /// <summary>The shape of one sample (all dimensions after the first); empty for labels [N].</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Values per sample: the product of <see cref="SampleShape"/>.</summary>
    public int SampleLength { get; }

    /// <summary>The element type as stored.</summary>
    public DataElementType ElementType { get; }

    /// <summary>True when samples are read from the file on demand (large uncompressed files).</summary>
    public bool IsStreamed => _storage.IsFileBacked;

    /// <summary>Opens an IDX, NPY or NPZ file, recognizing the format (and gzip) by content, not by extension.</summary>
    /// <param name="path">The data file.</param>
    /// <param name="npzArrayName">For NPZ: the array to read; null for the only or first one. Ignored for other formats.</param>
    /// <param name="streamAboveBytes">Uncompressed files with at least this much data are read on demand.</param>
    /// <exception cref="InfoPruneException">The file is missing, unrecognized or malformed; the diagnostic names it.</exception>
    public static SampleArray Open(string path, string? npzArrayName = null, long streamAboveBytes = DefaultStreamAboveBytes) =>
        DataFileFormatDetector.Detect(path) switch
        {
            DataFileFormat.Idx => IdxReader.Open(path, streamAboveBytes),
            DataFileFormat.Npy => NpyReader.Open(path, streamAboveBytes),
            _ => NpzReader.Open(path, npzArrayName),
        };

    /// <summary>
    /// An array built in code (tests, synthetic data). <typeparamref name="T"/> is <see cref="byte"/>,
    /// <see cref="int"/>, <see cref="long"/> or <see cref="float"/>; <paramref name="shape"/> includes
    /// the sample axis and must hold exactly <c>values.Length</c> values. The values are copied.
    /// </summary>
    public static SampleArray FromValues<T>(T[] values, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var type = default(T) switch
        {
            byte => DataElementType.UInt8,
            int => DataElementType.Int32,
            long => DataElementType.Int64,
            float => DataElementType.Float32,
            _ => throw new ArgumentException($"element type {typeof(T).Name} is not supported; use byte, int, long or float", nameof(values)),
        };
        if (shape.Length == 0 || shape.Any(d => d < 0))
            throw new ArgumentException($"shape {ShapeText.Of(shape)} must have a sample axis and no negative dimension", nameof(shape));
        long total = shape.Aggregate(1L, (product, d) => product * d);
        if (total != values.Length)
            throw new ArgumentException($"shape {ShapeText.Of(shape)} holds {total} values, but {values.Length} were given", nameof(values));
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        return new SampleArray(InMemoryName, null, "memory", shape[0], shape[1..], type, new InMemoryStorage(bytes));
    }

    /// <summary>Copies sample <paramref name="index"/> into <paramref name="destination"/> as floats, unscaled.</summary>
    public void CopySample(int index, Span<float> destination)
    {
        if (destination.Length < SampleLength)
            throw new ArgumentException($"destination holds {destination.Length} values, a sample has {SampleLength}", nameof(destination));
        SampleConverter.Identity(ElementType).Convert(RawSample(index), destination[..SampleLength]);
    }

    /// <summary>The stored bytes of sample <paramref name="index"/>, without copying.</summary>
    internal ReadOnlySpan<byte> RawSample(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the array has {Count} samples");
        return _storage.Slice((long)index * _sampleBytes, _sampleBytes);
    }

    /// <summary>Every value as an integer, for labels (small arrays: one value per sample).</summary>
    internal long[] ReadAllAsInt64()
    {
        long total = (long)Count * SampleLength;
        var values = new long[total];
        var bytes = _storage.Slice(0, checked((int)(total * ElementType.SizeInBytes())));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ElementType switch
            {
                DataElementType.UInt8 => bytes[i],
                DataElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]),
                DataElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]),
                _ => throw new InvalidOperationException($"{ElementType.DisplayName()} values are not integers"),
            };
        }
        return values;
    }

    /// <summary>A problem with this array, naming its file (and NPZ array) on the diagnostic.</summary>
    internal Diagnostic Problem(ErrorCode code, string message) =>
        new(code, ArrayName == null ? message : $"array '{ArrayName}': {message}", File == InMemoryName ? null : File);

    /// <summary>Releases the file mapping, if any. Spans and samples read before stay valid only if copied.</summary>
    public void Dispose() => _storage.Dispose();
}
