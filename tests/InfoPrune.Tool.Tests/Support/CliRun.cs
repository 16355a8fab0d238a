using System.Text.Json;
using InfoPrune.Tool;

namespace InfoPrune.Tool.Tests.Support;

/// <summary>The outcome of one in-process command line: exit code and both streams.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>infoprune</c> in-process, the way Program.Main does, with captured streams.</summary>
internal static class CliRun
{
    public static CliResult Invoke(params string[] args) => Invoke(new DatasetOpener(), args);

    public static CliResult Invoke(IDatasetOpener datasets, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Cli.Run(args, output, error, datasets);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
