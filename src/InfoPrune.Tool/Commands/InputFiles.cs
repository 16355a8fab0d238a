using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Tool.Commands;

/// <summary>Checks the files a command was given, before any work starts.</summary>
internal static class InputFiles
{
    /// <summary>Every missing file is reported (IP0001), not only the first, so one run shows all that needs fixing.</summary>
    public static void Require(params string[] paths)
    {
        var bag = new DiagnosticBag();
        foreach (var path in paths.Where(p => !File.Exists(p)))
            bag.Error(GeneralErrors.FileNotFound, $"file '{Path.GetFullPath(path)}' not found", path);
        bag.ThrowIfErrors();
    }
}
