using System.CommandLine;
using System.Globalization;
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
        minAccuracy.CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
            result.AddError($"--min-accuracy must be a fraction between 0 and 1, not '{token}'.");
            return null;
        };
        OptionRules.RequireBetween(minAccuracy, 0, 1, "a fraction between 0 and 1");
        var noLatency = new Option<bool>("--no-latency") { Description = "Skip every ONNX Runtime timing: the report's latency and the measured channel widths of roundTo \"auto\" (counts are then not rounded)." };
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
        string? key = null;
        if (cache != null)
        {
            var policy = PolicyLoader.Load(request.PolicyPath);
            key = PruneCache.Key(request, PruneOutputs.InputFiles(request.ModelPath, policy));
            if (cache.TryRead(key, request) is { } cached)
            {
                // The same output checks, locks and one-go write as a pruning run.
                using var outputs = PruneOutputs.Claim(request, policy);
                outputs.Emit(cached.Report, cached.Model, request.ModelPath, policy);
                context.Error.WriteLine($"infoprune: reused the result of an earlier run with the same model, policy, data, tool and settings (cache entry {key[..12]})");
                // The same warnings as the run that made it, so every configuration's build shows them.
                foreach (var warning in cached.Report.Warnings) context.Error.WriteLine(warning);
                WriteResult(context, new PruneOutcome(cached.Report, outputs.ModelPath, outputs.ReportPath), fromCache: true);
                return 0;
            }
        }

        // Ctrl+C and SIGTERM let the pipeline stop between steps and clean up instead of dying mid-write.
        context.Stop.Cooperative = true;
        try
        {
            var progress = new ProgressLine(context.Error, context.RichOutput);
            var outcome = new PrunePipeline(progress, progress.Warn).Run(request, context.Stop.Token);
            progress.Finish();
            if (cache?.Store(key!, outcome) is { } problem) context.Error.WriteLine($"infoprune: {problem}");
            WriteResult(context, outcome, fromCache: false);
            return 0;
        }
        finally
        {
            context.Stop.Cooperative = false;
        }
    }

    /// <summary>The summary table, then where the reports are: the HTML one first, for people.</summary>
    private static void WriteResult(ToolContext context, PruneOutcome outcome, bool fromCache)
    {
        context.Out.Write(ReportWriter.ToMarkdown(outcome.Report));
        if (fromCache) context.Out.WriteLine("(from the cache: the same inputs were pruned before)");
        context.Out.WriteLine($"Report: {Path.ChangeExtension(outcome.ReportPath, ".html")} (also {outcome.ReportPath} and {Path.ChangeExtension(outcome.ReportPath, ".md")})");
    }
}
