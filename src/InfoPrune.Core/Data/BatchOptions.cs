namespace InfoPrune.Core.Data;

/// <summary>How a <see cref="BatchStream"/> cuts a dataset into batches.</summary>
/// <param name="BatchSize">Samples per batch (the last batch may be smaller unless <see cref="DropLast"/>).</param>
public sealed record BatchOptions(int BatchSize)
{
    /// <summary>
    /// Null keeps file order. A value shuffles each epoch with <see cref="System.Random"/> seeded from
    /// it (epoch 0 with the seed itself): the same seed and epoch always give the same order.
    /// </summary>
    public int? ShuffleSeed { get; init; }

    /// <summary>Use only the first this-many samples of the file (before shuffling); null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Leave out a last batch smaller than <see cref="BatchSize"/> (training with batch statistics dislikes tiny batches).</summary>
    public bool DropLast { get; init; }
}
