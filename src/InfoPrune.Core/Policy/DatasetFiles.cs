namespace InfoPrune.Core.Policy;

/// <summary>
/// A pair of files holding inputs and their class labels; both paths are absolute. For NPZ
/// archives, the arrays to read (null: chosen by <see cref="Data.NpzPairing"/>).
/// </summary>
public sealed record DatasetFiles(string Images, string Labels, string? ImagesArray = null, string? LabelsArray = null);
