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
        Assert.Equal("## InfoPrune: App · net.onnx (fake)\n\n", File.ReadAllText(summary));

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
        Assert.Contains($"{project.Policy}(9,5): error IP1001: net.onnx: pruned model accuracy 50.00%", result.Output);
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
    public void InfoPruneEnabledFalseShipsTheOriginalAndKeepsEarlierResultsForTheNextPrunedBuild()
    {
        using var project = new FakeToolProject();
        Assert.Equal(0, project.Build().ExitCode);
        Assert.Equal("pruned:model-v1", File.ReadAllText(project.PrunedInBin));

        var disabled = project.Build("-p:InfoPruneEnabled=false");

        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Single(project.Calls());
        Assert.Equal("model-v1", File.ReadAllText(project.PrunedInBin)); // the original, where the pruned one would be
        Assert.True(File.Exists(project.PrunedInObj), "IncrementalClean must not delete the earlier pruned result");

        var enabledAgain = project.Build();

        Assert.True(enabledAgain.ExitCode == 0, enabledAgain.ToString());
        Assert.Single(project.Calls()); // nothing changed: no second pruning
        Assert.Equal("pruned:model-v1", File.ReadAllText(project.PrunedInBin));
    }

    [Fact]
    public void AFailedGateRemovesTheEarlierPrunedModelFromBinAndPublish()
    {
        using var project = new FakeToolProject();
        var publish = Path.Combine(project.Root, "publish out");
        Assert.Equal(0, project.Run("publish", "-c", "Debug", "-o", publish).ExitCode);
        var published = Path.Combine(publish, "models", "net.onnx");
        Assert.True(File.Exists(published) && File.Exists(project.PrunedInBin));

        project.SetMode("gate");
        FakeToolProject.Touch(project.Policy);
        var result = project.Run("publish", "-c", "Debug", "-o", publish);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error IP1001", result.Output);
        Assert.False(File.Exists(project.PrunedInBin), "bin/ still holds the model of the last passing build");
        Assert.False(File.Exists(published), "publish/ still holds the model of the last passing build");
        Assert.False(File.Exists(project.PrunedInObj));
    }

    [Fact]
    public void EveryItemRunsAndEveryFailureIsReportedInOneBuildThenCleanRemovesTheirReports()
    {
        using var project = new FakeToolProject();
        project.SetMode("gate");

        var result = project.Build("-p:TestSecondItem=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(2, project.Calls().Count);
        Assert.Contains("error IP1001: net.onnx:", result.Output);
        Assert.Contains("error IP1001: second.onnx:", result.Output);
        Assert.False(File.Exists(project.PrunedInBin));
        Assert.False(File.Exists(project.SecondInBin));

        // A failed build records no file list for Clean; the reports of both items must go anyway.
        var reports = new[] { project.PrunedInObj, Path.Combine(Path.GetDirectoryName(project.PrunedInObj)!, "second.onnx") }
            .SelectMany(m => new[] { ".report.json", ".report.md", ".report.html" }.Select(e => m + e)).ToArray();
        Assert.All(reports, r => Assert.True(File.Exists(r), r));
        var clean = project.Run("clean", "-p:TestSecondItem=true");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.All(reports, r => Assert.False(File.Exists(r), r));
    }

    [Fact]
    public void AFailingItemDoesNotStopThePassingOneFromShipping()
    {
        using var project = new FakeToolProject();
        project.SetMode("gate:net.onnx");

        var result = project.Build("-p:TestSecondItem=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error IP1001: net.onnx:", result.Output);
        Assert.DoesNotContain("error IP1001: second.onnx:", result.Output);
        Assert.False(File.Exists(project.PrunedInBin));
        Assert.Equal("pruned:second-v1", File.ReadAllText(project.SecondInBin));
    }

    [Fact]
    public void ProgressAndResultLinesAreHighImportanceMessagesShownAtMinimalVerbosity()
    {
        using var project = new FakeToolProject();

        // -v:m shows only high-importance messages: the console logger's default and what CI logs get.
        var result = project.Build("-v:m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("infoprune: [fine-tune] epoch 1/1", result.Output);
        Assert.Contains("fake infoprune: wrote", result.Output);
    }

    [Fact]
    public void AToolOfAnotherVersionGetsIP0008AtTheItem()
    {
        using var project = new FakeToolProject();
        project.SetToolVersion("9.9.9");

        var result = project.Build();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{project.ProjectFile}({project.LineOf("<PruneModel Include=\"models/net.onnx\" Policy")}): warning IP0008: InfoPrune.MSBuild 0.1.0 ran dotnet-infoprune 9.9.9", result.Output);
    }

    [Fact]
    public void AToolManifestThatWasNotRestoredGivesIP0006WithTheHostsHint()
    {
        using var project = new FakeToolProject();
        // The real dotnet host, with a manifest that lists the tool but no `dotnet tool restore` run.
        File.WriteAllText(Path.Combine(project.ProjectFolder, "dotnet-tools.json"), """
            { "version": 1, "isRoot": true,
              "tools": { "dotnet-infoprune": { "version": "0.1.0", "commands": [ "dotnet-infoprune" ], "rollForward": false } } }
            """);

        var result = project.Build("-p:InfoPruneToolPath=");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches(@"App\.csproj\(\d+\): error IP0006: .*not restored.*run `dotnet tool restore`.*The dotnet host said: .*dotnet tool restore", result.Output);
        Assert.DoesNotContain("IP9000", result.Output);
    }

    [Fact]
    public void PruneModelIsABuildActionForTheIde()
    {
        using var project = new FakeToolProject();

        var result = project.Run("msbuild", "-getItem:AvailableItemName");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"Identity\": \"PruneModel\"", result.Output);
    }

    [Fact]
    public void EveryItemWithoutPolicyFailsWithIP0005AtItsLineInTheProject()
    {
        using var project = new FakeToolProject();

        var result = project.Build("-p:TestOmitPolicy=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{project.ProjectFile}({project.LineOf("<PruneModel Include=\"models/net.onnx\" />")}): error IP0005: PruneModel item 'models/net.onnx' has no Policy metadata", result.Output);
        Assert.Contains($"{project.ProjectFile}({project.LineOf("<PruneModel Include=\"models/second.onnx\" />")}): error IP0005: PruneModel item 'models/second.onnx'", result.Output);
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
