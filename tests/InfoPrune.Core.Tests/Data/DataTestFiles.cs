using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Tests.Data;

/// <summary>
/// Writes small IDX / NPY / NPZ files into a private temporary folder, byte by byte from the format
/// specifications (not through the readers under test), and removes the folder afterwards.
/// </summary>
internal sealed class DataTestFiles : IDisposable
{
    public DataTestFiles()
    {
        Folder = Path.Combine(Path.GetTempPath(), "infoprune-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>IDX bytes: 00 00 type rank, big-endian dims, data.</summary>
    public static byte[] IdxBytes(byte[] data, int[] dims, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>NPY bytes with a header padded so the data starts at a multiple of 64, as NumPy writes it.</summary>
    public static byte[] NpyBytes(byte[] data, string descr, int[] shape, bool fortranOrder = false, int version = 1)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        int lengthFieldSize = version == 1 ? 2 : 4;
        int unpadded = 6 + 2 + lengthFieldSize + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";

        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        var lengthField = new byte[lengthFieldSize];
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(lengthField, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(lengthField, (uint)header.Length);
        stream.Write(lengthField);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }

    public static byte[] NpyBytes(float[] values, params int[] shape) => NpyBytes(AsBytes(values), "<f4", shape);
    public static byte[] NpyBytes(long[] values, params int[] shape) => NpyBytes(AsBytes(values), "<i8", shape);
    public static byte[] NpyBytes(byte[] values, params int[] shape) => NpyBytes(values, "|u1", shape);

    public static byte[] AsBytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>An NPZ archive: each entry is written as <c>name.npy</c>, stored or deflated.</summary>
    public string WriteNpz(string name, bool compressed, params (string Name, byte[] Npy)[] arrays)
    {
        var path = PathOf(name);
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (arrayName, npy) in arrays)
        {
            var entry = zip.CreateEntry(arrayName + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var entryStream = entry.Open();
            entryStream.Write(npy);
        }
        return path;
    }

    /// <summary>IDX images [count, height, width] whose pixel i of sample n is <c>(n * 7 + i) % 256</c>.</summary>
    public string WriteIdxImages(string name, int count, int height, int width, bool gzip = false)
    {
        var bytes = IdxBytes(PatternBytes(count * height * width, count), [count, height, width]);
        return Write(name, gzip ? Gzip(bytes) : bytes);
    }

    /// <summary>IDX labels [count] with label n = <c>n % classes</c>.</summary>
    public string WriteIdxLabels(string name, int count, int classes = 10, bool gzip = false)
    {
        var labels = Enumerable.Range(0, count).Select(n => (byte)(n % classes)).ToArray();
        var bytes = IdxBytes(labels, [count], 0x08);
        return Write(name, gzip ? Gzip(bytes) : bytes);
    }

    /// <summary>The value pattern of <see cref="WriteIdxImages"/>: different for every sample and position.</summary>
    public static byte[] PatternBytes(int total, int count)
    {
        int sampleLength = total / count;
        var data = new byte[total];
        for (int n = 0; n < count; n++)
            for (int i = 0; i < sampleLength; i++)
                data[n * sampleLength + i] = (byte)((n * 7 + i) % 256);
        return data;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a mapped file still open on some OS: the temp folder is cleaned later */ }
    }
}

/// <summary>Asserts that reading fails with an IP diagnostic that names the file and says what is wrong.</summary>
internal static class DataAssert
{
    public static Diagnostic Fails(ErrorCode code, string? file, Action read, params string[] messageFragments)
    {
        var error = Assert.Throws<InfoPruneException>(read);
        var diagnostic = Assert.Single(error.Diagnostics, d => d.Code == code && d.File == file);
        foreach (var fragment in messageFragments) Assert.Contains(fragment, diagnostic.Message);
        return diagnostic;
    }
}
