using System.Buffers.Binary;

namespace InfoPrune.Core.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic <c>00 00 type rank</c>
/// (<c>0x00000803</c> = uint8 images [N,H,W], <c>0x00000801</c> = uint8 labels [N]), one big-endian
/// int32 per dimension, then the values. Gzip compression is detected by content (1f 8b).
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>
    /// Opens an IDX file. Uncompressed files with at least <paramref name="streamAboveBytes"/> bytes of
    /// data are read from the file on demand; others (and all gzip files) are held in memory as bytes.
    /// </summary>
    /// <exception cref="Diagnostics.InfoPruneException">The file is missing, truncated, or not uint8 IDX.</exception>
    public static SampleArray Open(string path, long streamAboveBytes = SampleArray.DefaultStreamAboveBytes) =>
        ArrayFileReader.Guard(path, () =>
        {
            using var reader = ArrayFileReader.OpenFile(path);
            Span<byte> magic = stackalloc byte[4];
            reader.ReadHeader(magic, "its 4-byte IDX magic number");
            uint magicNumber = BinaryPrimitives.ReadUInt32BigEndian(magic);
            if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0)
                throw reader.Error(DataErrors.BadHeader,
                    $"wrong magic number 0x{magicNumber:X8}: an IDX file starts with 0x000008nn " +
                    "(0x00000803 for images, 0x00000801 for labels)");
            if (magic[2] != UnsignedByteType)
                throw reader.Error(DataErrors.UnsupportedElementType,
                    $"magic number 0x{magicNumber:X8} declares IDX element type 0x{magic[2]:X2} ({TypeName(magic[2])}); " +
                    "only 0x08 (unsigned byte) is supported");

            int rank = magic[3];
            var rawDims = new byte[4 * rank];
            reader.ReadHeader(rawDims, $"its {4 + rawDims.Length}-byte header ({rank} dimensions)");
            var dims = new long[rank];
            for (int i = 0; i < rank; i++)
                dims[i] = BinaryPrimitives.ReadUInt32BigEndian(rawDims.AsSpan(4 * i));
            return reader.ReadData(dims, DataElementType.UInt8, "IDX", streamAboveBytes);
        });

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown",
    };
}
