using InfoPrune.Core.Data;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// Labelled samples held in memory: the analysis reads the same few thousand samples hundreds of
/// times (once per ablation step), so they are read from the data source once.
/// </summary>
internal sealed class SampleSet
{
    private SampleSet(float[] images, long[] labels, long[] sampleShape)
    {
        Images = images;
        Labels = labels;
        SampleShape = sampleShape;
    }

    public float[] Images { get; }
    public long[] Labels { get; }
    public long[] SampleShape { get; }
    public int Count => Labels.Length;
    private int SampleLength => (int)ShapeMathOf(SampleShape);

    /// <summary>
    /// The first <paramref name="calibration"/> samples for measuring, and the
    /// <paramref name="evaluation"/> samples after them for accuracy — or, when the data is too
    /// small for both, the first <paramref name="evaluation"/> samples again (overlapping).
    /// </summary>
    public static (SampleSet Calibration, SampleSet Evaluation, bool Overlap) Split(IBatchSource data, int calibration, int evaluation, int batchSize)
    {
        var wanted = (long)calibration + evaluation;
        var images = new List<float>();
        var labels = new List<long>();
        long[]? sampleShape = null;
        foreach (var batch in data.ReadBatches(batchSize))
        {
            var take = (int)Math.Min(batch.Count, wanted - labels.Count);
            sampleShape ??= batch.Shape[1..];
            var length = batch.Count == 0 ? 0 : batch.Images.Length / batch.Count;
            images.AddRange(batch.Images.AsSpan(0, take * length).ToArray());
            labels.AddRange(batch.Labels.AsSpan(0, take).ToArray());
            if (labels.Count >= wanted) break;
        }
        var all = new SampleSet(images.ToArray(), labels.ToArray(), sampleShape ?? Array.Empty<long>());
        var calibrationSet = all.Range(0, Math.Min(calibration, all.Count));
        return all.Count >= wanted
            ? (calibrationSet, all.Range(calibration, evaluation), false)
            : (calibrationSet, all.Range(0, Math.Min(evaluation, all.Count)), true);
    }

    /// <summary>The first <paramref name="count"/> samples of <paramref name="batches"/> (fewer when they hold fewer).</summary>
    public static SampleSet From(IEnumerable<Batch> batches, int count)
    {
        var images = new List<float>();
        var labels = new List<long>();
        long[]? sampleShape = null;
        foreach (var batch in batches)
        {
            var take = Math.Min(batch.Count, count - labels.Count);
            sampleShape ??= batch.Shape[1..];
            var length = batch.Count == 0 ? 0 : batch.Images.Length / batch.Count;
            images.AddRange(batch.Images.AsSpan(0, take * length).ToArray());
            labels.AddRange(batch.Labels.AsSpan(0, take).ToArray());
            if (labels.Count >= count) break;
        }
        return new SampleSet(images.ToArray(), labels.ToArray(), sampleShape ?? Array.Empty<long>());
    }

    public SampleSet Range(int start, int count)
    {
        var length = SampleLength;
        return new SampleSet(Images.AsSpan(start * length, count * length).ToArray(), Labels.AsSpan(start, count).ToArray(), SampleShape);
    }

    /// <summary>Fresh batches in the calibration pass's format.</summary>
    public IEnumerable<Batch> Batches(int batchSize)
    {
        var length = SampleLength;
        var shape = SampleShape.Select(d => (int)d).ToArray();
        for (var start = 0; start < Count; start += batchSize)
        {
            var count = Math.Min(batchSize, Count - start);
            var batch = new Batch(count, shape);
            Array.Copy(Images, start * length, batch.Images, 0, count * length);
            Array.Copy(Labels, start, batch.Labels, 0, count);
            for (var i = 0; i < count; i++) batch.Indices[i] = start + i;
            yield return batch;
        }
    }

    private static long ShapeMathOf(IReadOnlyList<long> shape) => shape.Aggregate(1L, (a, b) => a * b);
}
