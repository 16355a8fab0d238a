namespace InfoPrune.Core.Data;

/// <summary>
/// Which arrays to read when the images and the labels are the same NPZ archive, as
/// <c>numpy.savez("data.npz", x=images, y=labels)</c> writes them: the inputs are the array of
/// rank 2 or more, the labels the one-dimensional integer array. A name the user gave always
/// wins; when the contents leave a choice open it stays unnamed, and the dataset check reports
/// the ambiguity with the archive's array names.
/// </summary>
public static class NpzPairing
{
    public static (string? ImagesArray, string? LabelsArray) Resolve(string imagesPath, string labelsPath, string? imagesArray, string? labelsArray)
    {
        if (imagesArray != null && labelsArray != null) return (imagesArray, labelsArray);
        if (!SameNpz(imagesPath, labelsPath)) return (imagesArray, labelsArray);

        IReadOnlyList<(string Name, DataElementType Type, long[] Dims)> arrays;
        try
        {
            arrays = NpzReader.Describe(imagesPath);
        }
        catch (Diagnostics.InfoPruneException)
        {
            return (imagesArray, labelsArray); // opening the arrays reports what is wrong with the archive
        }
        imagesArray ??= Only(arrays.Where(a => a.Name != labelsArray && a.Dims.Length >= 2));
        labelsArray ??= Only(arrays.Where(a => a.Name != imagesArray && a.Dims.Length == 1 && a.Type != DataElementType.Float32));
        return (imagesArray, labelsArray);
    }

    private static string? Only(IEnumerable<(string Name, DataElementType Type, long[] Dims)> candidates)
    {
        var list = candidates.Take(2).ToList();
        return list.Count == 1 ? list[0].Name : null;
    }

    private static bool SameNpz(string imagesPath, string labelsPath)
    {
        if (!string.Equals(Path.GetFullPath(imagesPath), Path.GetFullPath(labelsPath), StringComparison.Ordinal) || !File.Exists(imagesPath))
            return false;
        try
        {
            return DataFileFormatDetector.Detect(imagesPath) == DataFileFormat.Npz;
        }
        catch (Diagnostics.InfoPruneException)
        {
            return false;
        }
    }
}
