using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Validation;
using InfoPrune.Tool.Rendering;

namespace InfoPrune.Tool.Commands;

/// <summary>
/// <c>infoprune eval MODEL --images FILE --labels FILE</c>: top-1 accuracy of a classifier on
/// labelled data, in TorchSharp (what pruning sees) or ONNX Runtime (what ships).
/// </summary>
internal static class EvalCommand
{
    private static readonly string[] RuntimeNames = { "torch", "ort" };

    public static Command Create(ToolContext context, GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file." };
        var images = new Option<string>("--images") { Description = "Image file (IDX, NPY or NPZ; optionally gzipped).", Required = true };
        var labels = new Option<string>("--labels") { Description = "Label file matching --images.", Required = true };
        var runtime = new Option<string>("--runtime")
        {
            Description = "Engine that runs the model: torch (TorchSharp) or ort (ONNX Runtime).",
            DefaultValueFactory = _ => "torch",
        };
        runtime.AcceptOnlyFromAmong(RuntimeNames);
        var limit = new Option<long?>("--limit") { Description = "Evaluate only the first N samples." };
        OptionRules.RequirePositive(limit);
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Samples per batch.",
            DefaultValueFactory = _ => 256,
        };
        OptionRules.RequirePositive(batchSize);
        var json = new Option<bool>("--json") { Description = "Print one JSON object: accuracy, n, correct, runtime, model, seconds." };
        var preprocess = new PreprocessOptions();

        var command = new Command("eval", "Measure a classifier's top-1 accuracy on labelled data.")
        {
            model, images, labels, runtime, limit, batchSize, json,
        };
        foreach (var option in preprocess.All) command.Options.Add(option);
        command.SetAction(parse => Run(context, new Request(
            parse.GetValue(model)!,
            parse.GetValue(images)!,
            parse.GetValue(labels)!,
            parse.GetValue(runtime) == "ort" ? EvaluationRuntime.Ort : EvaluationRuntime.Torch,
            parse.GetValue(limit),
            parse.GetValue(batchSize),
            parse.GetValue(json),
            parse.GetValue(globals.Threads),
            preprocess.From(parse))));
        return command;
    }

    private sealed record Request(string Model, string Images, string Labels, EvaluationRuntime Runtime,
        long? Limit, int BatchSize, bool Json, int Threads, Preprocessing Preprocessing);

    private static int Run(ToolContext context, Request request)
    {
        InputFiles.Require(request.Model, request.Images, request.Labels);
        var model = OnnxModel.Load(request.Model);
        OpRegistry.Default.ThrowIfInconsistent(model.Graph, request.Model);
        // Problems with the model are reported before the data is read: they are the likelier
        // mistake, and data checks against a model that cannot run would only add noise.
        if (request.Runtime == EvaluationRuntime.Torch) OpRegistry.Default.ThrowIfUnsupported(model.Graph, request.Model);
        else using (new OrtModelRunner(model.ToBytes(), request.Model, 1)) { }
        var data = context.Datasets.Open(request.Images, request.Labels, model, request.Preprocessing);
        using var release = data as IDisposable;
        // Only TorchSharp needs the process-wide setting; ORT takes its count per session.
        if (request.Runtime == EvaluationRuntime.Torch) DeviceChoice.UseThreads(request.Threads);
        var options = new EvaluationOptions { BatchSize = request.BatchSize, Limit = request.Limit, OrtThreads = request.Threads };
        var result = Evaluator.Evaluate(model, request.Runtime, data, options);

        var runtimeName = request.Runtime == EvaluationRuntime.Ort ? "ort" : "torch";
        if (request.Json) WriteJson(context.Out, request, runtimeName, result);
        else
            context.Out.WriteLine(
                $"accuracy {Formats.Percent(result.Accuracy)} ({Formats.Count(result.Correct)}/{Formats.Count(result.Count)}) " +
                $"{runtimeName}, {result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s — {request.Model}");
        return 0;
    }

    private static void WriteJson(TextWriter output, Request request, string runtimeName, EvaluationResult result)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            json.WriteString("runtime", runtimeName);
            json.WriteNumber("n", result.Count);
            json.WriteNumber("correct", result.Correct);
            json.WriteNumber("accuracy", result.Accuracy);
            json.WriteNumber("seconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            json.WriteNumber("batchSize", request.BatchSize);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
