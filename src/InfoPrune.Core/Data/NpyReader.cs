using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InfoPrune.Core.Data;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1-3): the magic <c>\x93NUMPY</c>, a version, a
/// header length, a Python dict literal (<c>descr</c>, <c>fortran_order</c>, <c>shape</c>), then the
/// values in C order. Element types: uint8, int32, int64, float32, little-endian. Gzip-compressed
/// files are detected by content.
/// </summary>
public static partial class NpyReader
{
    // Far above anything NumPy writes (a few hundred bytes); a larger value means a corrupt length field.
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>
    /// Opens a <c>.npy</c> file. Uncompressed files with at least <paramref name="streamAboveBytes"/>
    /// bytes of data are read from the file on demand; others are held in memory as bytes.
    /// </summary>
    /// <exception cref="Diagnostics.InfoPruneException">The file is missing, truncated, malformed or of an unsupported type.</exception>
    public static SampleArray Open(string path, long streamAboveBytes = SampleArray.DefaultStreamAboveBytes) =>
        ArrayFileReader.Guard(path, () =>
        {
            using var reader = ArrayFileReader.OpenFile(path);
            return Read(reader, "NPY", streamAboveBytes);
        });

    /// <summary>Reads header and data from <paramref name="reader"/>; shared with <see cref="NpzReader"/>.</summary>
    internal static SampleArray Read(ArrayFileReader reader, string format, long streamAboveBytes)
    {
        var (type, dims) = ReadHeader(reader);
        return reader.ReadData(dims, type, format, streamAboveBytes);
    }

    /// <summary>Reads only the header: the element type and the shape, leaving the data unread.</summary>
    internal static (DataElementType Type, long[] Dims) ReadHeader(ArrayFileReader reader)
    {
        Span<byte> preamble = stackalloc byte[8];
        reader.ReadHeader(preamble, "its NPY magic and version");
        if (!DataFileFormatDetector.IsNpy(preamble))
            throw reader.Error(DataErrors.BadHeader,
                $"wrong magic: an NPY file starts with 93 4E 55 4D 50 59 ('\\x93NUMPY'), this one with {Convert.ToHexString(preamble[..6])}");
        byte major = preamble[6];
        if (major is < 1 or > 3)
            throw reader.Error(DataErrors.BadHeader, $"NPY format version {major}.{preamble[7]} is not supported (1.0 to 3.0 are)");

        Span<byte> lengthField = stackalloc byte[major == 1 ? 2 : 4];
        reader.ReadHeader(lengthField, "its NPY header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderLength)
            throw reader.Error(DataErrors.BadHeader, $"the NPY header length field says {headerLength} bytes, more than the {MaxHeaderLength} a header can have");

        var headerBytes = new byte[headerLength];
        reader.ReadHeader(headerBytes, $"its {reader.HeaderLength + headerLength}-byte NPY header");
        // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8.
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return ParseHeader(reader, header);
    }

    private static (DataElementType Type, long[] Dims) ParseHeader(ArrayFileReader reader, string header)
    {
        var descr = DescrPattern().Match(header);
        var fortran = FortranOrderPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            // A descr that is a list is a structured dtype: well-formed, but not an array of numbers.
            if (StructuredDescrPattern().IsMatch(header))
                throw reader.Error(DataErrors.UnsupportedElementType, $"holds a structured array (header {header.Trim()}); expected numbers");
            throw reader.Error(DataErrors.BadHeader,
                $"the NPY header {header.Trim()} does not give 'descr', 'fortran_order' and 'shape'");
        }

        var type = ParseDescr(reader, descr.Groups[1].Value);
        var dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw reader.Error(DataErrors.BadHeader, $"the NPY header shape ({shape.Groups[1].Value}) has a dimension '{d}' that is not a number"))
            .ToArray();
        if (fortran.Groups[1].Value == "True" && dims.Count(d => d != 1) > 1)
            throw reader.Error(DataErrors.BadHeader,
                $"the array {ShapeText.Of(dims)} is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray)");
        return (type, dims);
    }

    private static DataElementType ParseDescr(ArrayFileReader reader, string descr) => descr switch
    {
        "|u1" or "<u1" or ">u1" or "u1" => DataElementType.UInt8,
        "<i4" => DataElementType.Int32,
        "<i8" => DataElementType.Int64,
        "<f4" => DataElementType.Float32,
        _ => throw reader.Error(DataErrors.UnsupportedElementType,
            $"element type '{descr}'{(descr.StartsWith('>') ? " (big-endian)" : "")} is not supported; " +
            "expected '|u1' (uint8), '<i4' (int32), '<i8' (int64) or '<f4' (float32): convert with numpy's astype"),
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'descr'\s*:\s*\[")]
    private static partial Regex StructuredDescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranOrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
