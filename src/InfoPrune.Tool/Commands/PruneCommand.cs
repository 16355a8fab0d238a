using System.CommandLine;
using System.Globalization;
using InfoPrune.Core.Pipeline;
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
        var noLatency = new Option<bool>("--no-latency") { Description = "Skip timing ONNX Runtime inference in the report." };
        var dependencies = new Option<string?>("--dependency-file") { Description = "Write the files this run reads (model, policy, data), one per line, for incremental builds." };

        var command = new Command("prune", "Prune a model as a policy says, fine-tune it, gate it on accuracy, and write the smaller ONNX file.")
        {
            model, policy, output, report, minAccuracy, noLatency, dependencies,
        };
        command.SetAction(parse => Run(context, new PruneRequest(parse.GetValue(model)!, parse.GetValue(policy)!)
        {
            OutputPath = parse.GetValue(output),
            ReportPath = parse.GetValue(report),
            MinAccuracyOverride = parse.GetValue(minAccuracy),
            Threads = parse.GetValue(globals.Threads),
            MeasureLatency = !parse.GetValue(noLatency),
            DependencyFile = parse.GetValue(dependencies),
        }));
        return command;
    }

    private static int Run(ToolContext context, PruneRequest request)
    {
        InputFiles.Require(request.ModelPath, request.PolicyPath);
        // Ctrl+C and SIGTERM let the pipeline stop between steps and clean up instead of dying mid-write.
        context.Stop.Cooperative = true;
        try
        {
            var progress = new ProgressLine(context.Error, context.RichOutput);
            var outcome = new PrunePipeline(progress, progress.Warn).Run(request, context.Stop.Token);
            progress.Finish();
            context.Out.Write(ReportWriter.ToMarkdown(outcome.Report));
            context.Out.WriteLine($"Report: {outcome.ReportPath}");
            return 0;
        }
        finally
        {
            context.Stop.Cooperative = false;
        }
    }
}
