namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>data</c> section: the files to train, validate and calibrate on, and how inputs are
/// preprocessed before they reach the model.
/// </summary>
public sealed record DataPolicy
{
    /// <summary>Encoding of the files. Default <see cref="DataFormat.Auto"/>.</summary>
    public DataFormat Format { get; init; } = DataFormat.Auto;

    /// <summary>Training data; null only when nothing needs it (no fine-tuning, calibration from validation).</summary>
    public DatasetFiles? Train { get; init; }

    /// <summary>Held-out data the accuracy gate measures on. Required.</summary>
    public required DatasetFiles Validation { get; init; }

    public CalibrationPolicy Calibration { get; init; } = CalibrationPolicy.Default;
    public PreprocessPolicy Preprocess { get; init; } = PreprocessPolicy.Default;
}
