namespace InfoPrune.Core.Data;

/// <summary>How <see cref="LabeledDataset.Open"/> reads and checks a pair of images and labels files.</summary>
public sealed record DatasetOptions
{
    /// <summary>Defaults: no label range check, default preprocessing, first NPZ arrays, 64 MiB streaming threshold.</summary>
    public static DatasetOptions Default { get; } = new();

    /// <summary>Scaling, normalization and the model's sample shape.</summary>
    public Preprocessing Preprocessing { get; init; } = Preprocessing.Default;

    /// <summary>
    /// The number of classes (the model's output width): every label must lie in
    /// <c>[0, ClassCount)</c>. Null checks only that labels are not negative.
    /// </summary>
    public int? ClassCount { get; init; }

    /// <summary>For an NPZ images file: the array to read; null for the only or first one.</summary>
    public string? ImagesArrayName { get; init; }

    /// <summary>For an NPZ labels file: the array to read; null for the only or first one.</summary>
    public string? LabelsArrayName { get; init; }

    /// <summary>Uncompressed files with at least this many bytes of data are read from the file on demand.</summary>
    public long StreamAboveBytes { get; init; } = SampleArray.DefaultStreamAboveBytes;
}
