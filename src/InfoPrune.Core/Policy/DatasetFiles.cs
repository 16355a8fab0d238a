namespace InfoPrune.Core.Policy;

/// <summary>A pair of files holding inputs and their class labels; both paths are absolute.</summary>
public sealed record DatasetFiles(string Images, string Labels);
