using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Tool.Commands;

/// <summary>Checks the files a command was given, before any work starts.</summary>
internal static class InputFiles
{
    /// <summary>
    /// Every problem is reported, not only the first, so one run shows all that needs fixing: a
    /// folder where a file belongs (IP0012), a missing file (IP0001), a file that cannot be read (IP0013).
    /// </summary>
    public static void Require(params string[] paths)
    {
        var bag = new DiagnosticBag();
        foreach (var path in paths.Distinct())
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(path))
            {
                bag.Error(GeneralErrors.InputIsDirectory, $"'{full}' is a folder; a file is expected here", path);
                continue;
            }
            if (!File.Exists(path))
            {
                bag.Error(GeneralErrors.FileNotFound, $"file '{full}' not found", path);
                continue;
            }
            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                bag.Error(GeneralErrors.InputUnreadable, $"file '{full}' cannot be read: {ex.Message}", path);
            }
        }
        bag.ThrowIfErrors();
    }
}
