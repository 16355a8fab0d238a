namespace InfoPrune.Core.Data;

/// <summary>
/// One batch as plain arrays, ready for a TorchSharp tensor or an ONNX Runtime value. A
/// <see cref="BatchStream"/> refills the same instance for every batch of an epoch, so copy what you
/// keep past the next batch. Every array has exactly the length of this batch.
/// </summary>
public sealed class Batch
{
    internal Batch(int count, IReadOnlyList<int> sampleShape)
    {
        int sampleLength = sampleShape.Aggregate(1, (product, d) => product * d);
        Images = new float[count * sampleLength];
        Labels = new long[count];
        Indices = new int[count];
        Shape = [count, .. sampleShape.Select(d => (long)d)];
    }

    /// <summary>Samples in this batch.</summary>
    public int Count => Labels.Length;

    /// <summary>Preprocessed images, NCHW, <c>Count × SampleLength</c> values.</summary>
    public float[] Images { get; }

    /// <summary>The shape of <see cref="Images"/>: [Count, ...sample shape].</summary>
    public long[] Shape { get; }

    /// <summary>The label of each sample.</summary>
    public long[] Labels { get; }

    /// <summary>The position of each sample in the dataset (file order).</summary>
    public int[] Indices { get; }
}
