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
    /// <exception cref="Diagnostics.InfoPruneException">
    /// The images archive holds several image-shaped arrays and none is named (IP0317): reading the
    /// first would pick one silently.
    /// </exception>
    public static (string? ImagesArray, string? LabelsArray) Resolve(string imagesPath, string labelsPath, string? imagesArray, string? labelsArray)
    {
        if (imagesArray != null && labelsArray != null) return (imagesArray, labelsArray);
        if (!SameNpz(imagesPath, labelsPath))
        {
            if (imagesArray == null && IsNpz(imagesPath)) ThrowIfSeveralImageArrays(imagesPath, labelsArray: null);
            return (imagesArray, labelsArray);
        }

        IReadOnlyList<(string Name, DataElementType Type, long[] Dims)> arrays;
        try
        {
            arrays = NpzReader.Describe(imagesPath);
        }
        catch (Diagnostics.InfoPruneException)
        {
            return (imagesArray, labelsArray); // opening the arrays reports what is wrong with the archive
        }
        if (imagesArray == null) ThrowIfSeveralImageArrays(imagesPath, labelsArray);
        imagesArray ??= Only(arrays.Where(a => a.Name != labelsArray && a.Dims.Length >= 2));
        labelsArray ??= Only(arrays.Where(a => a.Name != imagesArray && a.Dims.Length == 1 && a.Type != DataElementType.Float32));
        return (imagesArray, labelsArray);
    }

    private static void ThrowIfSeveralImageArrays(string path, string? labelsArray)
    {
        IReadOnlyList<(string Name, DataElementType Type, long[] Dims)> arrays;
        try
        {
            arrays = NpzReader.Describe(path);
        }
        catch (Diagnostics.InfoPruneException)
        {
            return; // opening the arrays reports what is wrong with the archive
        }
        var images = arrays.Where(a => a.Name != labelsArray && a.Dims.Length >= 2).ToList();
        if (images.Count < 2) return;
        throw new Diagnostics.InfoPruneException(DataErrors.SeveralImageArrays,
            $"the archive holds {images.Count} image-shaped arrays ({string.Join(", ", images.Select(a => $"'{a.Name}' {ShapeText.Of(a.Dims.Select(d => (int)d).ToArray())}"))}); " +
            "name the one to use with the policy's \"imagesArray\"", path);
    }

    private static bool IsNpz(string path)
    {
        try
        {
            return File.Exists(path) && DataFileFormatDetector.Detect(path) == DataFileFormat.Npz;
        }
        catch (Diagnostics.InfoPruneException)
        {
            return false;
        }
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
