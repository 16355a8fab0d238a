using System.Diagnostics;
using System.Text;

namespace InfoPrune.Tasks.Tests.Support;

/// <summary>The outcome of one `dotnet` command run as a child process.</summary>
internal sealed record CliResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>
/// Runs `dotnet` commands the way a user would, in a child process, so the builds under test use
/// the installed SDK and nothing of the test host's MSBuild state.
/// </summary>
internal static class DotnetCli
{
    // Variables the test host may carry that would point a child build at another MSBuild or
    // leak into the summary of the CI job running these tests.
    private static readonly string[] Scrubbed =
    {
        "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly",
        "GITHUB_STEP_SUMMARY", "VSTEST_HOST_DEBUG",
    };

    public static CliResult Run(string workingDirectory, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var name in Scrubbed) start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment != null)
            foreach (var (k, v) in environment)
                if (v is null) start.Environment.Remove(k); else start.Environment[k] = v;

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in time:\n{output}");
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output) return new CliResult(process.ExitCode, output.ToString(), watch.Elapsed);
    }

    /// <summary>
    /// `dotnet build`/`publish`/`clean` with what keeps test builds independent: no MSBuild nodes
    /// left behind holding the task assembly, plain console output.
    /// </summary>
    public static CliResult MSBuildCommand(string workingDirectory, string verb, params string[] extra) =>
        Run(workingDirectory, new[] { verb, "-nodeReuse:false", "-tl:off", "-nologo", "-v:n" }.Concat(extra));
}
