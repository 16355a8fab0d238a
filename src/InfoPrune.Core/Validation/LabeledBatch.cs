namespace InfoPrune.Core.Validation;

/// <summary>
/// A batch of preprocessed samples and their class labels, in plain arrays so any data reader can
/// produce it without touching a tensor library.
/// </summary>
/// <param name="Images">The samples, row-major in <paramref name="Shape"/> (e.g. NCHW).</param>
/// <param name="Shape">The batch shape; the first dimension is the sample count.</param>
/// <param name="Labels">One class index per sample.</param>
public sealed record LabeledBatch(float[] Images, long[] Shape, long[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="count"/> samples, for stopping at a sample limit mid-batch.</summary>
    public LabeledBatch Take(int count)
    {
        if (count >= Count) return this;
        var sampleSize = Images.Length / Math.Max(1, Count);
        var shape = (long[])Shape.Clone();
        shape[0] = count;
        return new LabeledBatch(Images[..(count * sampleSize)], shape, Labels[..count]);
    }
}
