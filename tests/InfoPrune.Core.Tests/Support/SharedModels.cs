namespace InfoPrune.Core.Tests.Support;

/// <summary>
/// Finds the PyTorch-exported models in shared/models: CI clones the repository with shared/
/// beside it, so the folder is searched upward from the test binaries.
/// INFOPRUNE_SHARED_MODELS overrides the search.
/// </summary>
public static class SharedModels
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Path(string fileName) => System.IO.Path.Combine(Folder.Value, fileName);

    public static string Directory => Folder.Value;

    private static string Locate()
    {
        var overridden = Environment.GetEnvironmentVariable("INFOPRUNE_SHARED_MODELS");
        if (!string.IsNullOrEmpty(overridden)) return overridden;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "models");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/models not found above " + AppContext.BaseDirectory + "; set INFOPRUNE_SHARED_MODELS");
    }
}

/// <summary>The Fashion-MNIST files installed by Debian's dataset-fashion-mnist package.</summary>
public static class FashionMnist
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    public static string TestImages => Find("t10k-images");
    public static string TestLabels => Find("t10k-labels");
    public static string TrainImages => Find("train-images");
    public static string TrainLabels => Find("train-labels");

    private static string Find(string stem) =>
        System.IO.Directory.GetFiles(Folder).Where(f => System.IO.Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal))
            .OrderBy(f => f.Length).First();
}
