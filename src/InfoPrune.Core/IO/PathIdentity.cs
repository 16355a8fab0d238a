namespace InfoPrune.Core.IO;

/// <summary>
/// Tells whether two paths name the same file the way the operating system does: symbolic links
/// (of the file or of any folder on the way) are followed, and ".." steps out of the folder a link
/// led to, not out of the link's own folder, so <c>out/../model.onnx</c> and a link to the model
/// are both recognised as the model. Paths that do not exist yet resolve as far as they exist.
/// (Hard links cannot be told apart from separate files without inode numbers, which .NET does
/// not expose.)
/// </summary>
public static class PathIdentity
{
    // Deep enough for any sane chain of links; a cycle stops here instead of looping.
    private const int MaxLinkDepth = 40;

    /// <summary>Compares canonical paths as the platform's file systems usually do.</summary>
    public static StringComparer Comparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The absolute path with every link resolved and no "." or ".." left.</summary>
    public static string Canonical(string path) => Resolve(Absolute(path, Directory.GetCurrentDirectory()), 0);

    /// <summary>True when both paths name the same file.</summary>
    public static bool Same(string a, string b) => Comparer.Equals(Canonical(a), Canonical(b));

    private static string Resolve(string absolute, int depth)
    {
        if (depth > MaxLinkDepth) return Path.GetFullPath(absolute);
        var root = Path.GetPathRoot(absolute)!;
        var current = root;
        var parts = absolute[root.Length..].Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar },
            StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            var target = LinkTarget(next);
            current = target == null ? next : Resolve(Absolute(target, current), depth + 1);
        }
        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            // FileInfo reads the link itself (lstat), whether it points at a file, a folder or nothing.
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Absolute(string path, string baseFolder) =>
        Path.IsPathRooted(path) ? path : Path.Combine(baseFolder, path);
}
