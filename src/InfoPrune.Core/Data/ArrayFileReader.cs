using System.IO.Compression;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Data;

/// <summary>
/// The part every array format shares: read a header from a raw or gzip-compressed file (or an NPZ
/// entry), then take the data that follows, check its size against the header, and either keep it
/// as compact bytes in memory or map it from the file. Errors name the file and, for NPZ, the array.
/// </summary>
internal sealed class ArrayFileReader : IDisposable
{
    // Both become null once a memory map has taken ownership of the file.
    private Stream? _content;
    // Set only while the content is the raw file itself: then the data can be memory-mapped.
    private FileStream? _rawFile;

    private ArrayFileReader(string path, string? arrayName, Stream content, FileStream? rawFile, bool isCompressed)
    {
        Path = path;
        ArrayName = arrayName;
        _content = content;
        _rawFile = rawFile;
        IsCompressed = isCompressed;
    }

    /// <summary>The file named in diagnostics.</summary>
    public string Path { get; }

    /// <summary>The NPZ entry being read, or null for a stand-alone file.</summary>
    public string? ArrayName { get; }

    /// <summary>True for gzip files and NPZ entries: the data cannot be mapped and is held in memory.</summary>
    public bool IsCompressed { get; }

    /// <summary>Bytes of header consumed so far, counted in the (decompressed) content.</summary>
    public long HeaderLength { get; private set; }

    /// <summary>Opens a file, decompressing it when it starts with the gzip signature 1f 8b (whatever its extension).</summary>
    public static ArrayFileReader OpenFile(string path)
    {
        var file = OpenRead(path);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            file.Seek(0, SeekOrigin.Begin);
            if (read == 2 && DataFileFormatDetector.IsGzip(signature))
                return new ArrayFileReader(path, null, new GZipStream(file, CompressionMode.Decompress), rawFile: null, isCompressed: true);
            return new ArrayFileReader(path, null, file, file, isCompressed: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads one entry of an NPZ archive; the caller keeps ownership of the archive.</summary>
    public static ArrayFileReader ForNpzEntry(string path, string arrayName, Stream entry) =>
        new(path, arrayName, entry, rawFile: null, isCompressed: true);

    /// <summary>Fills <paramref name="buffer"/> from the header, or reports the file as truncated inside <paramref name="part"/>.</summary>
    public void ReadHeader(Span<byte> buffer, string part)
    {
        int read = Content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        HeaderLength += read;
        if (read < buffer.Length)
            throw Error(DataErrors.Truncated,
                HeaderLength == 0 ? "truncated: the file is empty" : $"truncated: the {ContentName} ends after {HeaderLength} bytes, inside {part}");
    }

    /// <summary>
    /// Takes the data after the header, shaped <paramref name="dims"/> (first axis = samples). Raw
    /// files of at least <paramref name="streamAboveBytes"/> bytes of data are mapped, everything
    /// else is read into one byte array: never expanded to floats.
    /// </summary>
    public SampleArray ReadData(long[] dims, DataElementType type, string format, long streamAboveBytes)
    {
        if (dims.Length == 0)
            throw Error(DataErrors.WrongArrayKind, "holds a scalar; expected an array whose first axis indexes samples");
        if (dims.Any(d => d < 0))
            throw Error(DataErrors.BadHeader, $"the header gives a negative dimension in shape {ShapeText.Of(dims)}");
        if (dims[0] > int.MaxValue)
            throw Error(DataErrors.TooLarge, $"the header says {dims[0]} samples; at most {int.MaxValue} are supported");

        long sampleLength = 1;
        long dataBytes;
        try
        {
            foreach (var d in dims.Skip(1)) sampleLength = checked(sampleLength * d);
            dataBytes = checked(dims[0] * sampleLength * type.SizeInBytes());
        }
        catch (OverflowException)
        {
            throw Error(DataErrors.TooLarge, $"the header gives shape {ShapeText.Of(dims)}, whose size does not fit in 64 bits");
        }
        if (sampleLength > int.MaxValue)
            throw Error(DataErrors.TooLarge, $"the header says {sampleLength} values per sample; at most {int.MaxValue} are supported");

        string announced = $"{ShapeText.Samples(dims)} {type.DisplayName()} = {dataBytes} bytes of data";
        var storage = _rawFile != null
            ? TakeRawData(dataBytes, announced, streamAboveBytes)
            : TakeCompressedData(dataBytes, announced);
        var sampleShape = dims.Skip(1).Select(d => (int)d).ToArray();
        return new SampleArray(Path, ArrayName, format, (int)dims[0], sampleShape, type, storage);
    }

    private ArrayStorage TakeRawData(long dataBytes, string announced, long streamAboveBytes)
    {
        var file = _rawFile!;
        long available = file.Length - HeaderLength;
        CheckSize(dataBytes, available, announced, "the file has");
        if (dataBytes > 0 && dataBytes >= streamAboveBytes)
        {
            var mapped = new MappedFileStorage(file, HeaderLength, dataBytes);
            // The mapping owns the file from here on.
            _rawFile = null;
            _content = null;
            return mapped;
        }
        var bytes = new byte[dataBytes];
        file.ReadExactly(bytes);
        return new InMemoryStorage(bytes);
    }

    private ArrayStorage TakeCompressedData(long dataBytes, string announced)
    {
        if (dataBytes > Array.MaxLength)
            throw Error(DataErrors.TooLarge,
                $"the header says {announced}, more than one in-memory array holds ({Array.MaxLength} bytes); " +
                "store the data uncompressed so it is streamed from the file");
        var bytes = new byte[dataBytes];
        int read = Content.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        long available = read < bytes.Length ? read : read + CountRemainingBytes();
        CheckSize(dataBytes, available, announced, "the decompressed data has");
        return new InMemoryStorage(bytes);
    }

    private void CheckSize(long expected, long available, string announced, string subject)
    {
        if (available < expected)
            throw Error(DataErrors.Truncated,
                $"truncated: the header says {announced}, but {subject} only {available} bytes after its {HeaderLength}-byte header");
        if (available > expected)
            throw Error(DataErrors.TrailingData,
                $"the header says {announced}, but {subject} {available} bytes after its {HeaderLength}-byte header " +
                $"({available - expected} bytes too many), so the header does not describe the data");
    }

    private long CountRemainingBytes()
    {
        var scratch = new byte[81920];
        long total = 0;
        int read;
        while ((read = Content.Read(scratch)) > 0) total += read;
        return total;
    }

    private Stream Content => _content ?? throw new InvalidOperationException("the data has already been taken");

    private string ContentName => IsCompressed ? "decompressed data" : "file";

    /// <summary>An error about this file (and array), with <see cref="Diagnostic.File"/> set.</summary>
    public InfoPruneException Error(ErrorCode code, string message) =>
        new(code, ArrayName == null ? message : $"array '{ArrayName}': {message}", Path);

    /// <summary>Opens a file for reading, turning "not there" and "not readable" into diagnostics.</summary>
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InfoPruneException(GeneralErrors.FileNotFound, "data file not found", path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InfoPruneException(GeneralErrors.FileNotFound, $"data file cannot be read: {ex.Message}", path);
        }
    }

    /// <summary>
    /// Runs a read, turning what the runtime throws for broken compression or failing I/O into
    /// diagnostics about <paramref name="path"/>, so no raw exception reaches the user.
    /// </summary>
    public static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException ex)
        {
            throw new InfoPruneException(new Diagnostic(DataErrors.CorruptCompression, $"the compressed data is corrupt: {ex.Message}", path), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not FileNotFoundException)
        {
            throw new InfoPruneException(new Diagnostic(GeneralErrors.FileNotFound, $"data file cannot be read: {ex.Message}", path), ex);
        }
    }

    public void Dispose()
    {
        _content?.Dispose();
        _rawFile?.Dispose();
    }
}
