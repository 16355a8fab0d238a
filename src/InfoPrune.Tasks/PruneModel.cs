using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace InfoPrune.Tasks;

/// <summary>
/// Prunes one ONNX model by running <c>dotnet infoprune prune</c> out of process, so libtorch
/// never loads into MSBuild. Arguments travel in a response file; the tool prints MSBuild
/// canonical diagnostics (<c>file(line,col): error IP0123: text</c>), which the base class turns
/// into errors and warnings with their codes and locations. Exit codes map to specific errors
/// when the tool could not say more, with the host's own words when it failed before the tool ran
/// (a tool manifest not restored, no tool installed). Cancelling the build kills the tool, which
/// writes its output atomically, so no half-written model is left.
/// </summary>
public sealed class PruneModel : ToolTask
{
    /// <summary>How many of the tool's last plain output lines are kept to explain a failure it gave no diagnostic for.</summary>
    private const int KeptOutputLines = 12;

    /// <summary>The tool's first progress line names its version (see the tool's PruneCommand).</summary>
    /// <summary>A canonical gate error (IP1xxx) the tool printed against a file, as the tool prints it.</summary>
    private static readonly Regex GateErrorLine = new(@"^(?<file>.+?)(\(\d+(,\d+)?\))?\s*:\s*error (?<code>IP1\d{3})\s*:\s*(?<text>.*)$", RegexOptions.CultureInvariant);

    private static readonly Regex ToolVersionLine = new(@"^infoprune: dotnet-infoprune (?<version>\S+)", RegexOptions.CultureInvariant);

    /// <summary>The input model.</summary>
    [Required] public string Model { get; set; } = "";
    /// <summary>The pruning policy (JSON).</summary>
    [Required] public string Policy { get; set; } = "";
    /// <summary>Where the pruned model is written.</summary>
    [Required] public string Output { get; set; } = "";
    /// <summary>Where the JSON report is written (markdown and HTML reports go beside it).</summary>
    public string? Report { get; set; }
    /// <summary>Overrides the policy's gate.minAccuracy when set (a fraction, e.g. 0.88).</summary>
    public string? MinAccuracy { get; set; }
    /// <summary>
    /// The tool: a path to dotnet-infoprune.dll (run with `dotnet exec`), to an executable, or
    /// empty to run `dotnet infoprune` (the tool installed as a local or global .NET tool).
    /// </summary>
    public string? InfoPruneToolPath { get; set; }
    /// <summary>Threads for the tool; empty = all cores.</summary>
    public string? Threads { get; set; }
    /// <summary>Where the tool lists the files it read, for incremental builds.</summary>
    public string? DependencyFile { get; set; }
    /// <summary>The content-addressed result cache the tool reads and fills; empty = no cache.</summary>
    public string? CacheDirectory { get; set; }
    /// <summary>Extra tool arguments (e.g. --no-latency).</summary>
    public string? ExtraArguments { get; set; }
    /// <summary>Where a step-summary markdown is appended for CI systems (e.g. $GITHUB_STEP_SUMMARY).</summary>
    public string? StepSummaryPath { get; set; }
    /// <summary>Names the project in step-summary headings, so two projects pruning models of the same name stay apart.</summary>
    public string? ProjectName { get; set; }
    /// <summary>
    /// Where the tool runs (the project folder): `dotnet infoprune` finds the local tool manifest
    /// (dotnet-tools.json or .config/dotnet-tools.json) by searching upward from here, whatever the
    /// build's current directory.
    /// </summary>
    public string? WorkingDirectory { get; set; }
    /// <summary>
    /// The project file and line of the PruneModel item ("path|line"), where build errors that
    /// the tool could not place point instead of the model file.
    /// </summary>
    public string? ItemLocation { get; set; }

    private volatile bool _cancelled;
    private readonly Queue<string> _lastOutput = new();
    private string? _toolVersion;

    private bool ViaDotnet => string.IsNullOrEmpty(InfoPruneToolPath) || InfoPruneToolPath!.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    protected override string ToolName => ViaDotnet ? (IsWindows ? "dotnet.exe" : "dotnet") : Path.GetFileName(InfoPruneToolPath!);

    protected override string GenerateFullPathToTool()
    {
        if (!ViaDotnet) return InfoPruneToolPath!;
        // The SDK tells tasks which dotnet host runs the build; use the same one.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host! : ToolName;
    }

    protected override string GenerateCommandLineCommands() =>
        string.IsNullOrEmpty(InfoPruneToolPath) ? "infoprune"
        : ViaDotnet ? $"exec \"{InfoPruneToolPath}\"" : "";

    /// <summary>Everything else goes in the response file (paths with spaces, long command lines).</summary>
    protected override string GenerateResponseFileCommands()
    {
        var args = new List<string> { "prune", Model, "--policy", Policy, "--out", Output };
        if (!string.IsNullOrEmpty(Report)) args.AddRange(new[] { "--report", Report! });
        if (!string.IsNullOrEmpty(MinAccuracy)) args.AddRange(new[] { "--min-accuracy", MinAccuracy! });
        if (!string.IsNullOrEmpty(Threads)) args.AddRange(new[] { "--threads", Threads! });
        if (!string.IsNullOrEmpty(DependencyFile)) args.AddRange(new[] { "--dependency-file", DependencyFile! });
        if (!string.IsNullOrEmpty(CacheDirectory)) args.AddRange(new[] { "--cache-dir", CacheDirectory! });
        if (!string.IsNullOrEmpty(ExtraArguments)) args.AddRange(ExtraArguments!.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
        return string.Join("\n", args.Select(ResponseFileToken)) + "\n";
    }

    /// <summary>
    /// System.CommandLine splits each response-file line like a command line (on whitespace,
    /// honouring double quotes) and drops lines that start with '#'; so a token with either is
    /// quoted. It has no escape for a quote inside quotes, which <see cref="Execute"/> refuses.
    /// </summary>
    internal static string ResponseFileToken(string token) =>
        token.Length == 0 || token.Any(char.IsWhiteSpace) || token[0] == '#' ? $"\"{token}\"" : token;

    protected override string? GetWorkingDirectory() =>
        string.IsNullOrEmpty(WorkingDirectory) ? base.GetWorkingDirectory() : WorkingDirectory;

    protected override string GetResponseFileSwitch(string responseFilePath) => "@" + responseFilePath;

    protected override Encoding ResponseFileEncoding => new UTF8Encoding(false);

    // The result summary (stdout) and the progress lines (stderr, one per step and per tenth of
    // fine-tuning) are both worth seeing at the default verbosity of the console logger. The
    // terminal logger shows messages only at -v:d (MSBuild's choice); the README says so.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    public override bool Execute()
    {
        YieldDuringToolExecution = true;
        if (!File.Exists(Model))
        {
            Log.LogError(null, "IP0001", null, Model, 0, 0, 0, 0, $"model '{Model}' not found");
            return false;
        }
        if (!File.Exists(Policy))
        {
            LogAtItem("IP0001", $"policy '{Policy}' not found (the Policy metadata of PruneModel '{Model}')", Policy);
            return false;
        }
        if (new[] { Model, Policy, Output, Report, DependencyFile, CacheDirectory }.FirstOrDefault(p => p?.IndexOf('"') >= 0) is { } quoted)
        {
            Log.LogError(null, "IP0002", null, quoted, 0, 0, 0, 0, $"the path '{quoted}' contains a double quote, which cannot be passed to infoprune");
            return false;
        }
        var ok = base.Execute();
        if (_cancelled) RemoveTemporaryOutputs();
        CheckToolVersion();
        AppendStepSummary();
        return ok && !Log.HasLoggedErrors;
    }

    /// <summary>The tool's output lines: canonical diagnostics become errors/warnings, the rest messages.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (_toolVersion == null && ToolVersionLine.Match(singleLine) is { Success: true } match) _toolVersion = match.Groups["version"].Value;
        lock (_lastOutput)
        {
            if (singleLine.Trim().Length > 0) _lastOutput.Enqueue(singleLine.Trim());
            while (_lastOutput.Count > KeptOutputLines) _lastOutput.Dequeue();
        }
        if (GateErrorLine.Match(singleLine) is { Success: true } gate && SameFile(gate.Groups["file"].Value, Model))
        {
            LogGateFailure(gate.Groups["code"].Value, gate.Groups["text"].Value);
            return;
        }
        Log.LogMessageFromText(singleLine, messageImportance);
    }

    /// <summary>
    /// The tool places a gate failure at the model, the one file it knows the build has. The line
    /// to change is the threshold: the item's MinAccuracy when the build set one (for a minAccuracy
    /// failure), else the policy's "gate" object.
    /// </summary>
    private void LogGateFailure(string code, string text)
    {
        var (itemFile, itemLine) = ItemLocations.Parse(ItemLocation);
        if (code == "IP1001" && !string.IsNullOrEmpty(MinAccuracy) && itemFile != null)
            Log.LogError(null, code, null, itemFile, itemLine, 0, 0, 0, $"{text} (the MinAccuracy of PruneModel '{Path.GetFileName(Model)}')");
        else
            Log.LogError(null, code, null, Policy, ItemLocations.FindJsonKeyLine(Policy, "gate"), 0, 0, 0, $"{text} ({Path.GetFileName(Model)})");
    }

    private static bool SameFile(string a, string b)
    {
        try { return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException) { return false; }
    }

    protected override bool HandleTaskExecutionErrors()
    {
        if (Log.HasLoggedErrors) return false; // the tool already said what went wrong, with codes
        if (_cancelled)
        {
            // The build is stopping; an "internal error" would only mislead.
            Log.LogMessage(MessageImportance.High, $"infoprune: pruning '{Model}' was cancelled; no pruned model was kept for it");
            return false;
        }
        string[] output;
        lock (_lastOutput) output = _lastOutput.ToArray();
        var (code, text) = Explain(ExitCode, string.IsNullOrEmpty(InfoPruneToolPath), output);
        LogAtItem(code, $"infoprune exited with code {ExitCode}: {text}", Model);
        return false;
    }

    /// <summary>
    /// The error for a run that printed no diagnostic of its own. Before the tool runs, the dotnet
    /// host explains itself in plain words (only visible at -v:n otherwise), so its words are
    /// carried into the error, with a code per case a user can act on.
    /// </summary>
    internal static (string Code, string Text) Explain(int exitCode, bool viaLocalTool, IReadOnlyList<string> output)
    {
        var hostSays = string.Join(" ", output.Where(l => !l.StartsWith("infoprune:", StringComparison.Ordinal)).Take(3));
        if (viaLocalTool && output.Any(l => l.IndexOf("dotnet tool restore", StringComparison.OrdinalIgnoreCase) >= 0))
            return ("IP0006", $"the dotnet-infoprune tool is in the tool manifest but not restored on this machine: run `dotnet tool restore` (in CI, as a step before the build). The dotnet host said: {hostSays}");
        if (viaLocalTool && output.Any(l => l.IndexOf("dotnet-infoprune does not exist", StringComparison.OrdinalIgnoreCase) >= 0
                                           || l.IndexOf("specified command or file was not found", StringComparison.OrdinalIgnoreCase) >= 0))
            return ("IP0007", "the dotnet-infoprune tool is not installed: `dotnet new tool-manifest` then `dotnet tool install dotnet-infoprune` " +
                              $"(or set InfoPruneToolPath to a dotnet-infoprune.dll). The dotnet host said: {hostSays}");
        var (code, text) = exitCode switch
        {
            2 => ("IP0002", "bad input (model, policy or data)"),
            3 => ("IP1000", "the pruned model failed the accuracy gate"),
            4 => ("IP0200", "the model uses operators InfoPrune cannot prune"),
            _ => ("IP9000", "internal error"),
        };
        return (code, hostSays.Length == 0 ? text : $"{text}. Last output: {hostSays}");
    }

    /// <summary>The base class kills the tool (and its children) when the build is cancelled.</summary>
    public override void Cancel()
    {
        _cancelled = true;
        base.Cancel();
    }

    /// <summary>An error at the PruneModel item's line in the project file when known, else at <paramref name="fallbackFile"/>.</summary>
    private void LogAtItem(string code, string text, string fallbackFile)
    {
        var (file, line) = ItemLocations.Parse(ItemLocation);
        if (file != null) Log.LogError(null, code, null, file, line, 0, 0, 0, text);
        else Log.LogError(null, code, null, fallbackFile, 0, 0, 0, 0, text);
    }

    /// <summary>
    /// `dotnet ef` warns when its design package and the tool differ; so does this: the targets
    /// and the tool change together (new options, new output), and a mismatch shows as odd errors.
    /// </summary>
    private void CheckToolVersion()
    {
        if (_toolVersion == null) return;
        var mine = VersionOf(typeof(PruneModel).Assembly);
        if (mine == null || string.Equals(Release(mine), Release(_toolVersion), StringComparison.OrdinalIgnoreCase)) return;
        Log.LogWarning(null, "IP0008", null, ItemLocations.Parse(ItemLocation).File ?? Model, ItemLocations.Parse(ItemLocation).Line, 0, 0, 0,
            $"InfoPrune.MSBuild {Release(mine)} ran dotnet-infoprune {Release(_toolVersion)}; use the same version of both " +
            $"(`dotnet tool update dotnet-infoprune --version {Release(mine)}`, or update the InfoPrune.MSBuild package reference)");
    }

    /// <summary>The version without build metadata (the "+commit" part), which two builds of one release may differ in.</summary>
    internal static string Release(string version) => version.Split('+')[0];

    private static string? VersionOf(System.Reflection.Assembly assembly) =>
        assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString();

    /// <summary>
    /// A killed tool never renamed its temp file into place, so the output is either the last
    /// complete model or absent; only the temp files (`.NAME.*.tmp` beside the output) are left to sweep.
    /// </summary>
    private void RemoveTemporaryOutputs()
    {
        foreach (var target in new[] { Output, Report, Report is null ? null : Path.ChangeExtension(Report, ".md"), Report is null ? null : Path.ChangeExtension(Report, ".html") })
        {
            var folder = string.IsNullOrEmpty(target) ? null : Path.GetDirectoryName(Path.GetFullPath(target));
            if (folder is null || !Directory.Exists(folder)) continue;
            foreach (var temp in Directory.EnumerateFiles(folder, $".{Path.GetFileName(target)}.*.tmp"))
            {
                try { File.Delete(temp); }
                catch (IOException) { /* still held by a dying process: harmless, the next run overwrites it */ }
            }
        }
    }

    private void AppendStepSummary()
    {
        if (string.IsNullOrEmpty(StepSummaryPath) || string.IsNullOrEmpty(Report)) return;
        var markdown = Path.ChangeExtension(Report, ".md");
        if (!File.Exists(markdown)) return;
        try
        {
            File.AppendAllText(StepSummaryPath!, WithProjectInHeading(File.ReadAllText(markdown), ProjectName) + "\n");
        }
        catch (IOException ex)
        {
            Log.LogWarning($"could not append the pruning summary to '{StepSummaryPath}': {ex.Message}");
        }
    }

    /// <summary>
    /// "## InfoPrune: net.onnx — …" becomes "## InfoPrune: App · net.onnx — …": one CI summary
    /// collects every project's runs, and the model's file name alone does not say whose it is.
    /// </summary>
    internal static string WithProjectInHeading(string markdown, string? projectName)
    {
        const string heading = "## InfoPrune: ";
        return string.IsNullOrEmpty(projectName) || !markdown.StartsWith(heading, StringComparison.Ordinal)
            ? markdown
            : heading + projectName + " · " + markdown.Substring(heading.Length);
    }

    /// <summary>For tests: the response file text.</summary>
    internal string ResponseFileText() => GenerateResponseFileCommands();

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
