using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy.Json;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Policy;

/// <summary>
/// Reads and validates a policy file in one pass, before any work starts. The format is strict:
/// plain JSON, no unknown keys, no duplicates, typed and ranged values, existing data files. All
/// problems are reported together, each with the file's line and column (see
/// <see cref="PolicyErrors"/>); relative paths resolve against the policy file's folder.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Loads the policy at <paramref name="path"/>; throws <see cref="InfoPruneException"/> with every problem found.</summary>
    public static PrunePolicy Load(string path, bool checkFiles = true) => CheckFile(path, checkFiles).GetPolicyOrThrow();

    /// <summary>
    /// Parses policy text that came from <paramref name="path"/> (used for messages and as the base
    /// of relative paths; the file itself is not read). Throws <see cref="InfoPruneException"/>.
    /// </summary>
    public static PrunePolicy Parse(string json, string path, bool checkFiles = true) =>
        Check(json, path, checkFiles).GetPolicyOrThrow();

    /// <summary>Like <see cref="Load"/>, but returns the diagnostics instead of throwing.</summary>
    public static PolicyCheckResult CheckFile(string path, bool checkFiles = true)
    {
        if (Directory.Exists(path))
            return new PolicyCheckResult(null,
                [new Diagnostic(GeneralErrors.InputIsDirectory, $"the policy path {SafeFullPath(path)} is a folder, not a policy file", path)]);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var missing = e is FileNotFoundException or DirectoryNotFoundException;
            var why = missing ? "does not exist" : $"cannot be read: {e.Message}";
            return new PolicyCheckResult(null,
                [new Diagnostic(missing ? GeneralErrors.FileNotFound : GeneralErrors.InputUnreadable, $"the policy file {SafeFullPath(path)} {why}", path)]);
        }
        return Check(json, path, checkFiles);
    }

    /// <summary>Like <see cref="Parse"/>, but returns the diagnostics instead of throwing.</summary>
    public static PolicyCheckResult Check(string json, string path, bool checkFiles = true) =>
        Check(json, path, checkFiles, keysAccepted: null);

    internal static PolicyCheckResult Check(string json, string path, bool checkFiles,
        Action<string, IReadOnlyList<string>>? keysAccepted)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(path);

        var fullPath = SafeFullPath(path);
        var baseDirectory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        var diagnostics = new DiagnosticBag();
        var context = new PolicyReadContext(path, baseDirectory, checkFiles, diagnostics) { KeysAccepted = keysAccepted };

        // A byte order mark is not part of the JSON, and would shift every column on line 1.
        var root = StrictJsonReader.Read(json.TrimStart('\uFEFF'), path, diagnostics);
        var policy = root is null ? null : PolicyParser.Parse(root, context, fullPath);

        var ordered = diagnostics.Items
            .Select((d, index) => (d, index))
            .OrderBy(x => x.d.Line).ThenBy(x => x.d.Column).ThenBy(x => x.index)
            .Select(x => x.d)
            .ToList();
        return new PolicyCheckResult(diagnostics.HasErrors ? null : policy, ordered);
    }

    private static string SafeFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }
}
