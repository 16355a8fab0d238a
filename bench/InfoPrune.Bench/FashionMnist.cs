using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Bench;

/// <summary>
/// The Fashion-MNIST train set as tensors: images kept as uint8 [N,1,28,28] (a quarter of the
/// float size; each batch is scaled to [0,1] when taken, as a real data loader would) and labels
/// int64 [N]. A minimal IDX reader: Core's data readers are not in main yet.
/// </summary>
internal sealed class FashionMnist : IDisposable
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public long Count => Labels.shape[0];

    private FashionMnist(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
    }

    public static FashionMnist LoadTrain(string directory)
    {
        var (imageShape, imageBytes) = ReadIdx(Path.Combine(directory, "train-images-idx3-ubyte.gz"));
        var (_, labelBytes) = ReadIdx(Path.Combine(directory, "train-labels-idx1-ubyte.gz"));
        var images = torch.tensor(imageBytes, new long[] { imageShape[0], 1, imageShape[1], imageShape[2] }, dtype: ScalarType.Byte);
        var labels = torch.tensor(labelBytes, new long[] { labelBytes.Length }, dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        return new FashionMnist(images.DetachFromDisposeScope(), labels.DetachFromDisposeScope());
    }

    /// <summary>
    /// Batch <paramref name="index"/> of <paramref name="size"/> consecutive samples, wrapping
    /// around the set; x = pixel/255 as the models were trained. The PyTorch script takes the same batches.
    /// </summary>
    public (Tensor X, Tensor Y) Batch(long index, int size)
    {
        var batches = Count / size;
        var start = index % batches * size;
        var x = Images[TensorIndex.Slice(start, start + size)].to_type(ScalarType.Float32).div_(255f);
        var y = Labels[TensorIndex.Slice(start, start + size)];
        return (x, y);
    }

    /// <summary>IDX: magic (0,0,type,rank), rank big-endian int32 dimensions, then the unsigned bytes.</summary>
    private static (int[] Shape, byte[] Data) ReadIdx(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffered = new BufferedStream(stream, 1 << 20);
        Span<byte> header = stackalloc byte[4];
        buffered.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
            throw new InvalidDataException($"{path}: not an unsigned-byte IDX file");
        var shape = new int[header[3]];
        for (var i = 0; i < shape.Length; i++)
        {
            buffered.ReadExactly(header);
            shape[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
        }
        var data = new byte[shape.Aggregate(1L, (a, d) => a * d)];
        buffered.ReadExactly(data);
        return (shape, data);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
