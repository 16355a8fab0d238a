using System.Globalization;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace InfoPrune.Tasks;

/// <summary>
/// Prunes one ONNX model by running <c>dotnet infoprune prune</c> out of process, so libtorch
/// never loads into MSBuild. Arguments travel in a response file; the tool prints MSBuild
/// canonical diagnostics (<c>file(line,col): error IP0123: text</c>), which the base class turns
/// into errors and warnings with their codes and locations. Exit codes map to specific errors
/// when the tool could not say more. Cancelling the build kills the tool, which writes its output
/// atomically, so no half-written model is left.
/// </summary>
public sealed class PruneModel : ToolTask
{
    /// <summary>The input model.</summary>
    [Required] public string Model { get; set; } = "";
    /// <summary>The pruning policy (JSON).</summary>
    [Required] public string Policy { get; set; } = "";
    /// <summary>Where the pruned model is written.</summary>
    [Required] public string Output { get; set; } = "";
    /// <summary>Where the JSON report is written (a markdown summary goes beside it).</summary>
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
    /// <summary>Extra tool arguments (e.g. --no-latency).</summary>
    public string? ExtraArguments { get; set; }
    /// <summary>Where a step-summary markdown is appended for CI systems (e.g. $GITHUB_STEP_SUMMARY).</summary>
    public string? StepSummaryPath { get; set; }
    /// <summary>
    /// Where the tool runs (the project folder): `dotnet infoprune` finds the local tool manifest
    /// (.config/dotnet-tools.json) by searching upward from here, whatever the build's current directory.
    /// </summary>
    public string? WorkingDirectory { get; set; }

    private volatile bool _cancelled;

    private bool ViaDotnet => string.IsNullOrEmpty(InfoPruneToolPath) || InfoPruneToolPath!.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    protected override string ToolName => ViaDotnet ? (OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet") : Path.GetFileName(InfoPruneToolPath!);

    protected override string GenerateFullPathToTool()
    {
        if (!ViaDotnet) return InfoPruneToolPath!;
        // The SDK tells tasks which dotnet host runs the build; use the same one.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : ToolName;
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
        if (!string.IsNullOrEmpty(ExtraArguments)) args.AddRange(ExtraArguments!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
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

    // The tool prints its result summary on stdout: worth showing at the default verbosity.
    // Progress goes to stderr and shows with -v:n.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

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
            Log.LogError(null, "IP0001", null, Policy, 0, 0, 0, 0, $"policy '{Policy}' not found");
            return false;
        }
        if (new[] { Model, Policy, Output, Report, DependencyFile }.FirstOrDefault(p => p?.Contains('"') == true) is { } quoted)
        {
            Log.LogError(null, "IP0002", null, quoted, 0, 0, 0, 0, $"the path '{quoted}' contains a double quote, which cannot be passed to infoprune");
            return false;
        }
        var ok = base.Execute();
        if (_cancelled) RemoveTemporaryOutputs();
        AppendStepSummary();
        return ok && !Log.HasLoggedErrors;
    }

    /// <summary>The tool's output lines: canonical diagnostics become errors/warnings, the rest messages.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance) =>
        Log.LogMessageFromText(singleLine, messageImportance);

    protected override bool HandleTaskExecutionErrors()
    {
        if (Log.HasLoggedErrors) return false; // the tool already said what went wrong, with codes
        if (_cancelled)
        {
            // The build is stopping; an "internal error" would only mislead.
            Log.LogMessage(MessageImportance.High, $"infoprune: pruning '{Model}' was cancelled; the previous pruned model, if any, is unchanged");
            return false;
        }
        var (code, text) = ExitCode switch
        {
            2 => ("IP0002", "bad input (model, policy or data)"),
            3 => ("IP1000", "the pruned model failed the accuracy gate"),
            4 => ("IP0200", "the model uses operators InfoPrune cannot prune"),
            // The dotnet host also exits 1, silently for us, when no `infoprune` command is installed.
            _ when string.IsNullOrEmpty(InfoPruneToolPath) => ("IP9000",
                "internal error, or the tool is not installed (dotnet new tool-manifest; dotnet tool install dotnet-infoprune)"),
            _ => ("IP9000", "internal error"),
        };
        Log.LogError(null, code, null, Model, 0, 0, 0, 0, $"infoprune exited with code {ExitCode}: {text}");
        return false;
    }

    /// <summary>The base class kills the tool (and its children) when the build is cancelled.</summary>
    public override void Cancel()
    {
        _cancelled = true;
        base.Cancel();
    }

    /// <summary>
    /// A killed tool never renamed its temp file into place, so the output is either the last
    /// complete model or absent; only the temp files (`.NAME.*.tmp` beside the output) are left to sweep.
    /// </summary>
    private void RemoveTemporaryOutputs()
    {
        foreach (var target in new[] { Output, Report, Report is null ? null : Path.ChangeExtension(Report, ".md") })
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
            File.AppendAllText(StepSummaryPath!, File.ReadAllText(markdown) + "\n");
        }
        catch (IOException ex)
        {
            Log.LogWarning($"could not append the pruning summary to '{StepSummaryPath}': {ex.Message}");
        }
    }

    /// <summary>For tests: the response file text.</summary>
    internal string ResponseFileText() => GenerateResponseFileCommands();

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
