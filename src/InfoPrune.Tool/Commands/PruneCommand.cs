using System.CommandLine;
using InfoPrune.Core.Pipeline;
using InfoPrune.Core.Policy;
using InfoPrune.Tool.Caching;
using InfoPrune.Core.Reporting;
using InfoPrune.Tool.Rendering;

namespace InfoPrune.Tool.Commands;

/// <summary>
/// <c>infoprune prune MODEL --policy FILE [--out FILE] [--report FILE] [--min-accuracy X]</c>:
/// the whole pipeline. Progress goes to the error stream (a live line on a terminal, plain lines
/// when redirected), the summary to the output stream.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(ToolContext context, GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model to prune (never modified)." };
        var policy = new Option<string>("--policy") { Description = "The pruning policy (JSON).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the pruned model (default: MODEL.pruned.onnx beside the input)." };
        var report = new Option<string?>("--report") { Description = "Where to write the JSON report (default: OUT.report.json; a .md summary goes beside it)." };
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Overrides the policy's gate.minAccuracy (a fraction, e.g. 0.88)." };
        minAccuracy.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } v && (v < 0 || v > 1)) result.AddError("--min-accuracy must be between 0 and 1.");
        });
        var noLatency = new Option<bool>("--no-latency") { Description = "Skip timing ONNX Runtime inference in the report." };
        var dependencies = new Option<string?>("--dependency-file") { Description = "Write the files this run reads (model, policy, data), one per line, for incremental builds." };
        var cacheDirectory = new Option<string?>("--cache-dir")
        {
            Description = "Reuse results by content: a run with the same model, policy, data, tool and settings copies the stored result instead of pruning; passing runs are stored here.",
        };

        var command = new Command("prune", "Prune a model as a policy says, fine-tune it, gate it on accuracy, and write the smaller ONNX file.")
        {
            model, policy, output, report, minAccuracy, noLatency, dependencies, cacheDirectory,
        };
        command.SetAction(parse => Run(context, new PruneRequest(parse.GetValue(model)!, parse.GetValue(policy)!)
        {
            OutputPath = parse.GetValue(output),
            ReportPath = parse.GetValue(report),
            MinAccuracyOverride = parse.GetValue(minAccuracy),
            Threads = parse.GetValue(globals.Threads),
            MeasureLatency = !parse.GetValue(noLatency),
            DependencyFile = parse.GetValue(dependencies),
        }, parse.GetValue(cacheDirectory)));
        return command;
    }

    private static int Run(ToolContext context, PruneRequest request, string? cacheDirectory)
    {
        InputFiles.Require(request.ModelPath, request.PolicyPath);
        // First line, always: the build task reads the version from it (and warns on a mismatch with itself).
        context.Error.WriteLine($"infoprune: dotnet-infoprune {Provenance.ToolVersion} pruning {request.ModelPath}");
        var cache = cacheDirectory is null ? null : new PruneCache(cacheDirectory);
        var key = cache is null ? null : PruneCache.Key(request, PrunePipeline.InputFiles(request.ModelPath, PolicyLoader.Load(request.PolicyPath)));
        if (cache != null && cache.TryRestore(key!, request) is { } cached)
        {
            context.Error.WriteLine($"infoprune: reused the result of an earlier run with the same model, policy, data, tool and settings (cache entry {key![..12]})");
            // The same warnings as the run that made it, so every configuration's build shows them.
            foreach (var warning in cached.Report.Warnings) context.Error.WriteLine(warning);
            if (request.DependencyFile != null) WriteDependencies(request);
            WriteResult(context, cached, fromCache: true);
            return 0;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the pipeline stop between steps and clean up instead of dying mid-write.
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var progress = new ProgressLine(context.Error, context.RichOutput);
            var outcome = new PrunePipeline(progress, progress.Warn).Run(request, cancellation.Token);
            progress.Finish();
            if (cache?.Store(key!, outcome) is { } problem) context.Error.WriteLine($"infoprune: {problem}");
            WriteResult(context, outcome, fromCache: false);
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The summary table, then where the reports are: the HTML one first, for people.</summary>
    private static void WriteResult(ToolContext context, PruneOutcome outcome, bool fromCache)
    {
        context.Out.Write(ReportWriter.ToMarkdown(outcome.Report));
        if (fromCache) context.Out.WriteLine("(from the cache: the same inputs were pruned before)");
        context.Out.WriteLine($"Report: {Path.ChangeExtension(outcome.ReportPath, ".html")} (also {outcome.ReportPath} and {Path.ChangeExtension(outcome.ReportPath, ".md")})");
    }

    private static void WriteDependencies(PruneRequest request) =>
        Core.IO.AtomicFile.WriteAllText(request.DependencyFile!,
            string.Join("\n", PrunePipeline.InputFiles(request.ModelPath, PolicyLoader.Load(request.PolicyPath))) + "\n");
}
