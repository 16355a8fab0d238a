namespace InfoPrune.Tasks.Tests.Support;

/// <summary>The repository these tests run from (its build/ folder is what the builds under test import).</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "InfoPrune.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("InfoPrune.slnx not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootFolder.Value;
    public static string BuildFolder => Path.Combine(Root, "build");

    /// <summary>The task assembly built with these tests (copied here by the project reference).</summary>
    public static string TasksAssembly => Path.Combine(AppContext.BaseDirectory, "InfoPrune.Tasks.dll");
}
