using System.CommandLine;
using InfoPrune.Core.Analysis;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Tool.Rendering;

namespace InfoPrune.Tool.Commands;

/// <summary><c>infoprune inspect MODEL [--json]</c>: what a model is made of and what it costs.</summary>
internal static class InspectCommand
{
    public static Command Create(ToolContext context, GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var command = new Command("inspect", "Show a model's inputs, outputs, operators, parameter count and MACs per layer.")
        {
            model,
            json,
        };
        command.SetAction(parse => Run(context, parse.GetValue(model)!, parse.GetValue(json), parse.GetValue(globals.Threads)));
        return command;
    }

    private static int Run(ToolContext context, string modelPath, bool asJson, int threads)
    {
        var model = OnnxModel.Load(modelPath);
        OpRegistry.Default.ThrowIfInconsistent(model.Graph, modelPath);
        DeviceChoice.UseThreads(threads);
        var stats = ModelStatistics.Compute(model);

        if (asJson) InspectReport.WriteJson(context.Out, modelPath, model, stats);
        else InspectReport.WriteText(context.Out, context.RichOutput, modelPath, model, stats);

        // The report is printed first: a model the tool cannot run is still worth describing,
        // but the exit code (4) and the diagnostics on stderr must say it cannot be pruned.
        OpRegistry.Default.ThrowIfUnsupported(model.Graph, modelPath);
        return 0;
    }
}
