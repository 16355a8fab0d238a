namespace InfoPrune.Core.Data;

/// <summary>
/// Epochs of batches over a <see cref="LabeledDataset"/>: optionally only the first
/// <see cref="BatchOptions.Limit"/> samples, optionally shuffled per epoch from a seed. Samples are
/// read from the dataset as each batch is filled, so memory holds one batch, never the whole set.
/// </summary>
public sealed class BatchStream
{
    private readonly LabeledDataset _dataset;

    /// <summary>Batches of <paramref name="dataset"/> as <paramref name="options"/> says.</summary>
    public BatchStream(LabeledDataset dataset, BatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        if (options.Limit is < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "Limit must not be negative");
        _dataset = dataset;
        Options = options;
        SampleCount = Math.Min(dataset.Count, options.Limit ?? int.MaxValue);
        BatchCount = options.DropLast ? SampleCount / options.BatchSize : (SampleCount + options.BatchSize - 1) / options.BatchSize;
    }

    /// <summary>The options the stream was made with.</summary>
    public BatchOptions Options { get; }

    /// <summary>Samples used per epoch: the dataset's count, or the limit when smaller (before dropping a short last batch).</summary>
    public int SampleCount { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount { get; }

    /// <summary>The dataset indices in the order epoch <paramref name="epoch"/> visits them (each exactly once).</summary>
    public int[] Order(int epoch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var order = new int[SampleCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (Options.ShuffleSeed is { } seed) SeededShuffle.Shuffle(order, seed, epoch);
        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>. Each enumeration has its own buffers, reused from
    /// batch to batch: a yielded <see cref="Batch"/> is overwritten by the next one.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch = 0) => Batches(Order(epoch));

    private IEnumerable<Batch> Batches(int[] order)
    {
        int batchSize = Options.BatchSize;
        Batch? full = null, last = null;
        for (int b = 0; b < BatchCount; b++)
        {
            int start = b * batchSize;
            int count = Math.Min(batchSize, order.Length - start);
            var batch = count == batchSize
                ? full ??= new Batch(count, _dataset.SampleShape)
                : last ??= new Batch(count, _dataset.SampleShape);
            Fill(batch, order.AsSpan(start, count));
            yield return batch;
        }
    }

    private void Fill(Batch batch, ReadOnlySpan<int> indices)
    {
        indices.CopyTo(batch.Indices);
        _dataset.ReadSamples(indices, batch.Images, batch.Labels);
    }
}
