namespace InfoPrune.Core.Policy;

/// <summary>Which split the measurement pass streams. JSON: "train", "validation".</summary>
public enum CalibrationSource { Train, Validation }

/// <summary>
/// The <c>data.calibration</c> section: the samples the pruning method measures activations on.
/// </summary>
public sealed record CalibrationPolicy
{
    public static readonly CalibrationPolicy Default = new();

    /// <summary>
    /// Default <see cref="CalibrationSource.Train"/>: choosing channels on the validation split and
    /// then gating on the same split would flatter the result.
    /// </summary>
    public CalibrationSource From { get; init; } = CalibrationSource.Train;

    /// <summary>How many samples are measured (the first N after a seeded shuffle). Default 2048;
    /// the measurement memory grows with this, not with the dataset.</summary>
    public int Samples { get; init; } = 2048;
}
