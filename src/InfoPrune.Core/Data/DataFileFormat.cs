using System.IO.Compression;

namespace InfoPrune.Core.Data;

/// <summary>The array file formats the readers understand; IDX and NPY may also be gzip-compressed.</summary>
public enum DataFileFormat
{
    /// <summary>IDX (MNIST, Fashion-MNIST): magic <c>00 00 type rank</c>, big-endian dimensions, then the data.</summary>
    Idx,
    /// <summary>One NumPy array: magic <c>\x93NUMPY</c>, a Python-literal header, then the data.</summary>
    Npy,
    /// <summary>A zip of NumPy arrays, as written by <c>numpy.savez</c> / <c>savez_compressed</c>.</summary>
    Npz,
}

/// <summary>
/// Recognizes a data file by its first bytes, never by its name: downloaded datasets are often
/// renamed, and a <c>.gz</c> that was already decompressed keeps its extension.
/// </summary>
internal static class DataFileFormatDetector
{
    private static ReadOnlySpan<byte> NpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static bool IsGzip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1f && start[1] == 0x8b;
    public static bool IsNpy(ReadOnlySpan<byte> start) => start.StartsWith(NpyMagic);
    public static bool IsZip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == (byte)'P' && start[1] == (byte)'K';
    // IDX's magic starts with two zero bytes; which type and rank follow is the IDX reader's to check.
    public static bool IsIdx(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0 && start[1] == 0;

    /// <summary>The format of the file at <paramref name="path"/>, looking inside gzip compression.</summary>
    public static DataFileFormat Detect(string path) => ArrayFileReader.Guard(path, () =>
    {
        using var file = ArrayFileReader.OpenRead(path);
        Span<byte> start = stackalloc byte[6];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (read == 0)
            throw new Diagnostics.InfoPruneException(DataErrors.Truncated, "truncated: the file is empty", path);
        var fileStart = start[..read];
        if (IsGzip(fileStart))
        {
            file.Seek(0, SeekOrigin.Begin);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            Span<byte> inner = stackalloc byte[6];
            int innerRead = gzip.ReadAtLeast(inner, inner.Length, throwOnEndOfStream: false);
            var innerStart = inner[..innerRead];
            if (IsNpy(innerStart)) return DataFileFormat.Npy;
            if (IsIdx(innerStart)) return DataFileFormat.Idx;
            throw Unrecognized(path, innerStart, insideGzip: true);
        }
        if (IsNpy(fileStart)) return DataFileFormat.Npy;
        if (IsZip(fileStart)) return DataFileFormat.Npz;
        if (IsIdx(fileStart)) return DataFileFormat.Idx;
        throw Unrecognized(path, fileStart, insideGzip: false);
    });

    private static Diagnostics.InfoPruneException Unrecognized(string path, ReadOnlySpan<byte> start, bool insideGzip) => new(
        DataErrors.UnrecognizedFormat,
        $"not a dataset file: {(insideGzip ? "its decompressed data starts" : "it starts")} with bytes {Convert.ToHexString(start)}; " +
        "expected IDX (00 00 08 nn), NPY (93 'NUMPY'), NPZ ('PK' zip), or IDX/NPY compressed with gzip (1F 8B)",
        path);
}
