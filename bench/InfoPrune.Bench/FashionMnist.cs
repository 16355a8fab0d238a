using InfoPrune.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Bench;

/// <summary>
/// The Fashion-MNIST train set through Core's dataset reader (bytes kept compact, each batch
/// scaled to pixel/255 as it is read, as in training), batched as the PyTorch script batches it.
/// </summary>
internal sealed class FashionMnist : IDisposable
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    private readonly LabeledDataset _dataset;
    private float[] _images = Array.Empty<float>();
    private long[] _labels = Array.Empty<long>();
    private int[] _indices = Array.Empty<int>();

    private FashionMnist(LabeledDataset dataset) => _dataset = dataset;

    public long Count => _dataset.Count;

    public static FashionMnist LoadTrain(string directory) => new(LabeledDataset.Open(
        Path.Combine(directory, "train-images-idx3-ubyte.gz"),
        Path.Combine(directory, "train-labels-idx1-ubyte.gz"),
        new DatasetOptions { ClassCount = 10, Preprocessing = new Preprocessing { SampleShape = new[] { 1, 28, 28 } } }));

    /// <summary>
    /// Batch <paramref name="index"/> of <paramref name="size"/> consecutive samples, wrapping
    /// around the set; the PyTorch script takes the same batches.
    /// </summary>
    public (Tensor X, Tensor Y) Batch(long index, int size)
    {
        if (_indices.Length != size)
        {
            _indices = new int[size];
            _images = new float[size * _dataset.SampleLength];
            _labels = new long[size];
        }
        var start = (int)(index % (Count / size) * size);
        for (var i = 0; i < size; i++) _indices[i] = start + i;
        _dataset.ReadSamples(_indices, _images, _labels);
        var shape = new long[] { size }.Concat(_dataset.SampleShape.Select(d => (long)d)).ToArray();
        return (torch.tensor(_images, shape), torch.tensor(_labels, new long[] { size }));
    }

    public void Dispose() => _dataset.Dispose();
}
