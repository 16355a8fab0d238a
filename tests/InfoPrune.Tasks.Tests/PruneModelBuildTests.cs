using InfoPrune.Tasks.Tests.Support;

namespace InfoPrune.Tasks.Tests;

/// <summary>
/// Real `dotnet build`/`publish`/`clean` runs of a small project that imports the repository's
/// build/*.props/.targets, with a fake tool that records its calls: incrementality, outputs,
/// errors and the switches that turn pruning off.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class PruneModelBuildTests
{
    [Fact]
    public void FirstBuildPrunesIntoBinAndTheSecondRunsNothing()
    {
        using var project = new FakeToolProject();
        var summary = Path.Combine(project.Root, "step summary.md");

        var first = DotnetCli.Run(project.ProjectFolder, new[] { "build", "-nodeReuse:false", "-tl:off" },
            new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = summary });
        Assert.True(first.ExitCode == 0, first.ToString());
        var call = Assert.Single(project.Calls());
        Assert.Equal(new[] { "prune", project.Model, "--policy", project.Policy, "--out", project.PrunedInObj }, call[..6]);
        Assert.Contains("--dependency-file", call);
        Assert.Equal("pruned:model-v1", File.ReadAllText(project.PrunedInBin));
        Assert.Equal("## InfoPrune: net.onnx (fake)\n\n", File.ReadAllText(summary));

        var second = project.Build();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Single(project.Calls());
        Assert.Contains("Skipping target \"InfoPrunePruneModels\" because all output files are up-to-date", second.Output);
    }

    [Fact]
    public void EditingThePolicyPrunesAgain()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);

        FakeToolProject.Touch(project.Policy);
        var result = project.Build();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, project.Calls().Count);
    }

    [Fact]
    public void EditingADataFileFromTheDependencyFilePrunesAgain()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);

        FakeToolProject.Touch(project.DataFile);
        var result = project.Build();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, project.Calls().Count);
    }

    [Fact]
    public void EditingTheModelPrunesAgainAndRefreshesBin()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);

        File.WriteAllText(project.Model, "model-v2");
        var result = project.Build();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, project.Calls().Count);
        Assert.Equal("pruned:model-v2", File.ReadAllText(project.PrunedInBin));
    }

    [Fact]
    public void ChangingMinAccuracyMetadataPrunesAgainWithTheNewThreshold()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);
        Assert.DoesNotContain("--min-accuracy", project.Calls()[0]);

        var result = project.Build("-p:TestMinAccuracy=0.75");

        Assert.True(result.ExitCode == 0, result.ToString());
        var calls = project.Calls();
        Assert.Equal(2, calls.Count);
        var index = Array.IndexOf(calls[1], "--min-accuracy");
        Assert.True(index > 0, string.Join(" ", calls[1]));
        Assert.Equal("0.75", calls[1][index + 1]);
    }

    [Fact]
    public void PublishCarriesThePrunedModel()
    {
        using var project = new FakeToolProject();
        var publish = Path.Combine(project.Root, "publish out");

        var result = project.Run("publish", "-c", "Debug", "-o", publish);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("pruned:model-v1", File.ReadAllText(Path.Combine(publish, "models", "net.onnx")));
        Assert.Single(project.Calls());
    }

    [Fact]
    public void CleanRemovesThePrunedModelAndItsReports()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);
        Assert.True(File.Exists(project.PrunedInBin));
        Assert.True(File.Exists(project.PrunedInObj + ".report.md"));

        var result = project.Run("clean");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(project.PrunedInBin));
        var work = Path.GetDirectoryName(project.PrunedInObj)!;
        Assert.Empty(Directory.Exists(work) ? Directory.GetFiles(work) : Array.Empty<string>());
    }

    [Fact]
    public void GateFailureFailsTheBuildWithTheToolsCodeAndShipsNothing()
    {
        using var project = new FakeToolProject();
        project.SetMode("gate");

        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{project.Policy}(9,5): error IP1001: pruned model accuracy 50.00%", result.Output);
        Assert.DoesNotContain("IP1000", result.Output); // the tool's own code, not the exit-code fallback
        Assert.False(File.Exists(project.PrunedInBin));
    }

    [Fact]
    public void DesignTimeBuildsDoNotPrune()
    {
        using var project = new FakeToolProject();

        var result = project.Build("-p:DesignTimeBuild=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(project.Calls());
    }

    [Fact]
    public void InfoPruneEnabledFalseDoesNotPrune()
    {
        using var project = new FakeToolProject();

        var result = project.Build("-p:InfoPruneEnabled=false");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(project.Calls());
        Assert.False(File.Exists(project.PrunedInBin));
    }

    [Fact]
    public void AnItemWithoutPolicyFailsWithIP0005()
    {
        using var project = new FakeToolProject();

        var result = project.Build("-p:TestOmitPolicy=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error IP0005: PruneModel item 'models/net.onnx' has no Policy metadata", result.Output);
        Assert.Empty(project.Calls());
    }
}

/// <summary>
/// The builds share two cores with the other test assemblies: one at a time keeps each fast and
/// their timings meaningful.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BuildCollection
{
    public const string Name = "dotnet builds";
}
