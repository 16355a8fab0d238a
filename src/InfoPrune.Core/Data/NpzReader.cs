using System.IO.Compression;

namespace InfoPrune.Core.Data;

/// <summary>
/// Reads one array from a NumPy <c>.npz</c> archive (a zip of <c>.npy</c> files, stored or deflated,
/// as <c>numpy.savez</c> and <c>savez_compressed</c> write it). The array is held in memory as its
/// raw bytes: entries cannot be mapped from the file.
/// </summary>
public static class NpzReader
{
    private const string NpyExtension = ".npy";

    /// <summary>
    /// Opens the array named <paramref name="arrayName"/> (with or without <c>.npy</c>), or, when no
    /// name is given, the only array or else the first one in the archive.
    /// </summary>
    /// <exception cref="Diagnostics.InfoPruneException">The archive is missing or corrupt, or has no such array, or the array is malformed.</exception>
    public static SampleArray Open(string path, string? arrayName = null) =>
        ArrayFileReader.Guard(path, () =>
        {
            using var file = ArrayFileReader.OpenRead(path);
            using var archive = new ZipArchive(file, ZipArchiveMode.Read);
            var entry = FindEntry(path, archive, arrayName);
            using var reader = ArrayFileReader.ForNpzEntry(path, ArrayNameOf(entry), entry.Open());
            return NpyReader.Read(reader, "NPZ", streamAboveBytes: long.MaxValue);
        });

    /// <summary>The names of the arrays in an archive, in archive order (what <c>numpy.load(path).files</c> lists).</summary>
    public static IReadOnlyList<string> ArrayNames(string path) =>
        ArrayFileReader.Guard(path, () =>
        {
            using var file = ArrayFileReader.OpenRead(path);
            using var archive = new ZipArchive(file, ZipArchiveMode.Read);
            return (IReadOnlyList<string>)NpyEntries(archive).Select(ArrayNameOf).ToList();
        });

    /// <summary>Each array's name, element type and shape, from the headers alone (the data is not read).</summary>
    public static IReadOnlyList<(string Name, DataElementType Type, long[] Dims)> Describe(string path) =>
        ArrayFileReader.Guard(path, () =>
        {
            using var file = ArrayFileReader.OpenRead(path);
            using var archive = new ZipArchive(file, ZipArchiveMode.Read);
            var arrays = new List<(string, DataElementType, long[])>();
            foreach (var entry in NpyEntries(archive))
            {
                using var reader = ArrayFileReader.ForNpzEntry(path, ArrayNameOf(entry), entry.Open());
                var (type, dims) = NpyReader.ReadHeader(reader);
                arrays.Add((ArrayNameOf(entry), type, dims));
            }
            return (IReadOnlyList<(string, DataElementType, long[])>)arrays;
        });

    private static ZipArchiveEntry FindEntry(string path, ZipArchive archive, string? arrayName)
    {
        var arrays = NpyEntries(archive).ToList();
        if (arrays.Count == 0)
            throw new Diagnostics.InfoPruneException(DataErrors.NpzArrayNotFound, "the NPZ archive holds no .npy arrays", path);
        if (arrayName == null) return arrays[0];

        var wanted = arrayName.EndsWith(NpyExtension, StringComparison.Ordinal) ? arrayName[..^NpyExtension.Length] : arrayName;
        return arrays.FirstOrDefault(e => ArrayNameOf(e) == wanted)
            ?? throw new Diagnostics.InfoPruneException(DataErrors.NpzArrayNotFound,
                $"the NPZ archive has no array '{wanted}'; it has {string.Join(", ", arrays.Select(e => $"'{ArrayNameOf(e)}'"))}", path);
    }

    private static IEnumerable<ZipArchiveEntry> NpyEntries(ZipArchive archive) =>
        archive.Entries.Where(e => e.FullName.EndsWith(NpyExtension, StringComparison.Ordinal));

    private static string ArrayNameOf(ZipArchiveEntry entry) => entry.FullName[..^NpyExtension.Length];
}
