using System.Buffers.Binary;
using System.IO.Compression;

namespace InfoPrune.Tool.Tests.Support;

/// <summary>
/// Small raw-IDX copies of the first N Fashion-MNIST samples, so end-to-end tests run the real
/// pipeline on real data in seconds.
/// </summary>
internal static class FashionSubset
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Writes images/labels files of the first <paramref name="count"/> samples of a split; returns their paths.</summary>
    public static (string Images, string Labels) Write(string directory, string split, int count)
    {
        var images = Path.Combine(directory, $"{split}-{count}-images.idx");
        var labels = Path.Combine(directory, $"{split}-{count}-labels.idx");
        Copy(Path.Combine(Folder, $"{split}-images-idx3-ubyte.gz"), images, count, 784, 0x803, new[] { count, 28, 28 });
        Copy(Path.Combine(Folder, $"{split}-labels-idx1-ubyte.gz"), labels, count, 1, 0x801, new[] { count });
        return (images, labels);
    }

    private static void Copy(string source, string target, int count, int itemSize, int magic, int[] dims)
    {
        using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        var header = new byte[4 + 4 * dims.Length];
        input.ReadExactly(header);
        var body = new byte[count * itemSize];
        input.ReadExactly(body);
        using var output = File.Create(target);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        output.Write(word);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            output.Write(word);
        }
        output.Write(body);
    }
}
