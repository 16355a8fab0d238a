namespace InfoPrune.Tests.Support;

/// <summary>
/// The PyTorch-exported models the tests load. They live in the repository (tests/Fixtures/models)
/// and every test project copies them beside its binaries, so a fresh clone needs nothing else.
/// </summary>
public static class TestModels
{
    /// <summary>The folder the fixtures are copied to by tests/Directory.Build.props.</summary>
    public static string Directory { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "models");

    /// <summary>The full path of one fixture; a clear error when the build did not copy it.</summary>
    public static string Path(string fileName)
    {
        var path = System.IO.Path.Combine(Directory, fileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"test fixture {fileName} is not in {Directory}: add it to tests/Fixtures/models", path);
        return path;
    }
}

/// <summary>The Fashion-MNIST files installed by Debian's dataset-fashion-mnist package (eng/setup.sh).</summary>
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
