using System.Diagnostics;
using Microsoft.Build.Framework;
using InfoPrune.Tasks.Tests.Support;
using static InfoPrune.Tasks.Tests.Support.ShellScript;

namespace InfoPrune.Tasks.Tests;

/// <summary>
/// The PruneModel task in-process with a fake build engine and a shell script standing in for
/// the tool: what it passes, how it turns the tool's output and exit codes into build errors.
/// </summary>
public sealed class PruneModelTaskTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infoprune task ").FullName;
    private readonly FakeBuildEngine _engine = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string ModelPath => Path.Combine(_folder, "my models", "net.onnx");

    private PruneModel NewTask(string toolBody)
    {
        var model = ModelPath;
        var policy = Path.Combine(_folder, "my models", "prune policy.json");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllText(model, "model");
        File.WriteAllText(policy, "{}");
        return new PruneModel
        {
            BuildEngine = _engine,
            Model = model,
            Policy = policy,
            Output = Path.Combine(_folder, "obj dir", "net.onnx"),
            Report = Path.Combine(_folder, "obj dir", "net.onnx.report.json"),
            InfoPruneToolPath = Write(Path.Combine(_folder, "tool", "fake-infoprune"), toolBody),
        };
    }

    [Fact]
    public void ResponseFileHoldsOneTokenPerLineIncludingPathsWithSpaces()
    {
        var task = NewTask("exit 0\n");
        task.MinAccuracy = "0.9";
        task.Threads = "2";
        task.DependencyFile = Path.Combine(_folder, "obj dir", "net.onnx.deps");
        task.ExtraArguments = "--no-latency  --verbose";

        var lines = task.ResponseFileText().Split('\n');

        Assert.Equal(new[]
        {
            "prune", Quoted(task.Model), "--policy", Quoted(task.Policy), "--out", Quoted(task.Output), "--report", Quoted(task.Report!),
            "--min-accuracy", "0.9", "--threads", "2", "--dependency-file", Quoted(task.DependencyFile),
            "--no-latency", "--verbose", "",
        }, lines);
        Assert.Contains(" ", task.Model); // the point of the test: System.CommandLine would split it unquoted
    }

    private static string Quoted(string path) => $"\"{path}\"";

    [Theory]
    [InlineData("plain/path.onnx", "plain/path.onnx")]
    [InlineData("/my models/a.onnx", "\"/my models/a.onnx\"")]
    [InlineData("#hash.json", "\"#hash.json\"")]
    [InlineData("a#b", "a#b")]
    public void ResponseFileTokensAreQuotedOnlyWhenSystemCommandLineWouldSplitOrDropThem(string token, string expected) =>
        Assert.Equal(expected, PruneModel.ResponseFileToken(token));

    [Fact]
    public void APathWithADoubleQuoteIsRefusedWithIP0002()
    {
        var task = NewTask("exit 0\n");
        task.Output = Path.Combine(_folder, "say \"hi\"", "net.onnx");

        Assert.False(task.Execute());

        Assert.Equal("IP0002", Assert.Single(_engine.Errors).Code);
    }

    [Fact]
    public void TheToolReceivesTheResponseFileAndRunsInTheWorkingDirectory()
    {
        var record = Path.Combine(_folder, "record.txt");
        var task = NewTask($"pwd > {Quote(record)}; cat \"${{1#@}}\" >> {Quote(record)}\n");
        var workingDirectory = Directory.CreateDirectory(Path.Combine(_folder, "project dir")).FullName;
        task.WorkingDirectory = workingDirectory;

        Assert.True(task.Execute(), _engine.Log);

        var recorded = File.ReadAllLines(record);
        Assert.Equal(workingDirectory, recorded[0]);
        Assert.Equal(new[] { "prune", Quoted(task.Model), "--policy", Quoted(task.Policy), "--out", Quoted(task.Output) }, recorded[1..7]);
    }

    [Fact]
    public void CanonicalToolLinesBecomeErrorsAndWarningsWithCodeFileAndLine()
    {
        var task = NewTask("""
            echo "progress: measuring"
            echo "/data/prune.json(12,3): error IP0412: constraints.maxRatio must be below 1"
            echo "/data/prune.json(4,7): warning IP0510: calibration.samples exceeds the training set"
            exit 2
            """);

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors); // no generic IP0002 on top of the tool's own error
        Assert.Equal("IP0412", error.Code);
        Assert.Equal("/data/prune.json", error.File);
        Assert.Equal(12, error.LineNumber);
        Assert.Equal(3, error.ColumnNumber);
        Assert.Equal("constraints.maxRatio must be below 1", error.Message);
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal("IP0510", warning.Code);
        Assert.Equal(4, warning.LineNumber);
        Assert.Contains(_engine.Messages, m => m.Message == "progress: measuring");
    }

    [Theory]
    [InlineData(2, "IP0002")]
    [InlineData(3, "IP1000")]
    [InlineData(4, "IP0200")]
    [InlineData(1, "IP9000")]
    [InlineData(134, "IP9000")]
    public void ExitCodesWithoutDiagnosticsMapToErrors(int exitCode, string expectedCode)
    {
        var task = NewTask($"echo 'no canonical line here'\nexit {exitCode}\n");

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(expectedCode, error.Code);
        Assert.Equal(task.Model, error.File);
        Assert.Contains($"exited with code {exitCode}", error.Message);
    }

    [Fact]
    public void AFailureWithoutDiagnosticPointsAtTheItemsLineAndQuotesTheLastOutput()
    {
        var task = NewTask("echo 'Segmentation fault in libtorch' >&2\nexit 139\n");
        task.ItemLocation = "/src/app/App.csproj|14";

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("IP9000", "/src/app/App.csproj", 14), (error.Code, error.File, error.LineNumber));
        Assert.EndsWith("Last output: Segmentation fault in libtorch", error.Message);
    }

    [Fact]
    public void AGateFailureAtTheModelPointsAtTheGateLineOfThePolicy()
    {
        var task = NewTask($"echo {Quote(ModelPath + ": error IP1002: pruned model accuracy 80.00% dropped 8.00 points")}\nexit 3\n");
        File.WriteAllText(task.Policy, "{\n  \"version\": 1,\n  \"gate\": { \"maxDrop\": 0.02 }\n}\n");

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("IP1002", task.Policy, 3), (error.Code, error.File, error.LineNumber));
        Assert.StartsWith("pruned model accuracy 80.00% dropped 8.00 points", error.Message);
    }

    [Fact]
    public void AMinAccuracyFailureSetByTheItemPointsAtTheItem()
    {
        var task = NewTask($"echo {Quote(ModelPath + ": error IP1001: pruned model accuracy 80.00% is below the gate's minAccuracy 99.00%")}\nexit 3\n");
        task.MinAccuracy = "0.99";
        task.ItemLocation = "/src/app/App.csproj|21";

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("IP1001", "/src/app/App.csproj", 21), (error.Code, error.File, error.LineNumber));
    }

    [Theory]
    [InlineData("Run \"dotnet tool restore\" to make the \"dotnet-infoprune\" command available.", "IP0006")]
    [InlineData("Could not execute because the specified command or file was not found.", "IP0007")]
    [InlineData("  * You intended to execute a .NET program, but dotnet-infoprune does not exist.", "IP0007")]
    public void TheDotnetHostsOwnHintBecomesAnErrorCode(string hostLine, string expectedCode)
    {
        var (code, text) = PruneModel.Explain(1, viaLocalTool: true, new[] { hostLine });

        Assert.Equal(expectedCode, code);
        Assert.Contains(hostLine.Trim(), text);
    }

    [Fact]
    public void TheHostsHintIsNotTrustedWhenAToolPathIsGiven()
    {
        // With InfoPruneToolPath the host does not resolve a tool command, so the words mean something else.
        var (code, _) = PruneModel.Explain(1, viaLocalTool: false, new[] { "Run \"dotnet tool restore\"" });

        Assert.Equal("IP9000", code);
    }

    [Fact]
    public void ProgressOnTheErrorStreamIsLoggedAtHighImportance()
    {
        var task = NewTask("echo 'infoprune: [fine-tune] epoch 1/2' >&2\necho 'summary line'\n");

        Assert.True(task.Execute(), _engine.Log);

        Assert.Equal(MessageImportance.High, _engine.Messages.Single(m => m.Message == "infoprune: [fine-tune] epoch 1/2").Importance);
        Assert.Equal(MessageImportance.High, _engine.Messages.Single(m => m.Message == "summary line").Importance);
    }

    [Fact]
    public void TheSameToolVersionGivesNoWarningAndBuildMetadataIsIgnored()
    {
        var task = NewTask("echo 'infoprune: dotnet-infoprune 0.1.0+0123abcd pruning net.onnx' >&2\n");

        Assert.True(task.Execute(), _engine.Log);

        Assert.Empty(_engine.Warnings);
    }

    [Theory]
    [InlineData("## InfoPrune: net.onnx — ✅ pruned\n", "App", "## InfoPrune: App · net.onnx — ✅ pruned\n")]
    [InlineData("## InfoPrune: net.onnx\n", null, "## InfoPrune: net.onnx\n")]
    [InlineData("# something else\n", "App", "# something else\n")]
    public void StepSummaryHeadingsNameTheProject(string markdown, string? project, string expected) =>
        Assert.Equal(expected, PruneModel.WithProjectInHeading(markdown, project));

    [Fact]
    public void ItemLocationsFindTheElementThatIncludesTheItemOrTheOnlyOne()
    {
        var project = Path.Combine(_folder, "App.csproj");
        File.WriteAllText(project, """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PruneModel Include="models/a.onnx;models\b.onnx" Policy="p.json" />
                <PruneModel
                    Include="models/c.onnx" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(3, ItemLocations.FindLine(project, "PruneModel", "models/b.onnx"));
        Assert.Equal(4, ItemLocations.FindLine(project, "PruneModel", "models\\c.onnx"));
        Assert.Equal(0, ItemLocations.FindLine(project, "PruneModel", "models/wildcard-made.onnx"));
        Assert.Equal(0, ItemLocations.FindLine(Path.Combine(_folder, "absent.csproj"), "PruneModel", "models/a.onnx"));
    }

    [Fact]
    public void MissingModelFailsWithIP0001WithoutRunningTheTool()
    {
        var marker = Path.Combine(_folder, "ran");
        var task = NewTask($"touch {Quote(marker)}\n");
        task.Model = Path.Combine(_folder, "absent.onnx");

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("IP0001", error.Code);
        Assert.Equal(task.Model, error.File);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void MissingPolicyFailsWithIP0001WithoutRunningTheTool()
    {
        var marker = Path.Combine(_folder, "ran");
        var task = NewTask($"touch {Quote(marker)}\n");
        task.Policy = Path.Combine(_folder, "absent.json");

        Assert.False(task.Execute());

        Assert.Equal("IP0001", Assert.Single(_engine.Errors).Code);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void StepSummaryGetsTheMarkdownReport()
    {
        var summary = Path.Combine(_folder, "summary.md");
        File.WriteAllText(summary, "# earlier step\n");
        var task = NewTask("""
            report=$(sed -n '/^--report$/{n;p}' "${1#@}" | tr -d '"')
            mkdir -p "$(dirname "$report")"
            printf '## InfoPrune: net.onnx\n' > "${report%.json}.md"
            """);
        task.StepSummaryPath = summary;

        Assert.True(task.Execute(), _engine.Log);

        Assert.Equal("# earlier step\n## InfoPrune: net.onnx\n\n", File.ReadAllText(summary));
    }

    [Fact]
    public void CancellingKillsTheToolTreeAndLeavesNoPrunedOrTemporaryFile()
    {
        var pids = Path.Combine(_folder, "pids");
        // Like the real tool: writes into a temp file beside the output and would rename it at the end.
        var task = NewTask($$"""
            out=$(sed -n '/^--out$/{n;p}' "${1#@}" | tr -d '"')
            mkdir -p "$(dirname "$out")"
            printf 'half a model' > "$(dirname "$out")/.$(basename "$out").$$.0123.tmp"
            sleep 60 &
            echo "$$ $!" > {{Quote(pids)}}
            wait
            mv "$(dirname "$out")/.$(basename "$out").$$.0123.tmp" "$out"
            """);

        bool? result = null;
        var run = new Thread(() => result = task.Execute());
        run.Start();
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(pids) || File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < 2)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the fake tool never started");
            Thread.Sleep(50);
        }
        task.Cancel();

        Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the task did not return after cancellation");
        Assert.False(result);
        foreach (var pid in File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            Assert.False(IsAlive(pid), $"process {pid} survived the cancellation");
        Assert.False(File.Exists(task.Output));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(task.Output)!, "*.tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain(_engine.Errors, e => e.Code == "IP9000");
    }

    /// <summary>
    /// Alive = running or sleeping. A killed grandchild can stay a zombie for a while when the
    /// container's init does not reap orphans; a zombie runs nothing, so it counts as dead.
    /// </summary>
    private static bool IsAlive(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
            catch (IOException) { return false; }
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state is 'Z' or 'X') return false;
            if (deadline.Elapsed > TimeSpan.FromSeconds(5)) return true;
            Thread.Sleep(50);
        }
    }
}
