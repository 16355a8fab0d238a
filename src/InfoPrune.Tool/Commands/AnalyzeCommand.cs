using InfoPrune.Core.IO;
using InfoPrune.Core.Methods.Cmi;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Validation;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Reporting;

using InfoPrune.Tool.Rendering;

namespace InfoPrune.Tool.Commands;

/// <summary>
/// <c>infoprune analyze MODEL --images FILE --labels FILE [--out DIR]</c>: the neuron-importance
/// paper's analysis — per-unit measures, per-layer distributions and layer-wise cumulative
/// ablation curves (by each measure low→high and high→low, and at random; with and without bias
/// balancing) — written as data files and an HTML report, with a per-layer summary on stdout.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create(ToolContext context, GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The ONNX classifier to analyse (never modified)." };
        var images = new Option<string>("--images") { Description = "Image file (IDX, NPY or NPZ; optionally gzipped).", Required = true };
        var labels = new Option<string>("--labels") { Description = "Label file matching --images.", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "Folder for units.json/csv, layers.json, ablation.json/csv and report.html.",
            DefaultValueFactory = _ => "infoprune-analysis",
        };
        var samples = new Option<int>("--samples") { Description = "Calibration samples: the first N of the data.", DefaultValueFactory = _ => 2000 };
        var evalSamples = new Option<int>("--eval-samples")
        {
            Description = "Samples accuracy is measured on: the N after the calibration samples (the first N when the data is too small).",
            DefaultValueFactory = _ => 2000,
        };
        var steps = new Option<int>("--steps") { Description = "Points per curve, from 0% to 100% of a layer ablated.", DefaultValueFactory = _ => 11 };
        var seeds = new Option<int>("--seeds") { Description = "Random orderings per layer.", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random orderings.", DefaultValueFactory = _ => 42 };
        var bins = new Option<int?>("--bins")
        {
            Description = "Quantize each unit into this many equal-width bins instead of one bit at the activation's threshold (0 for ReLU, 0.5 for sigmoid).",
        };
        foreach (var option in new Option[] { samples, evalSamples, steps, seeds, bins }) OptionRules.RequirePositive(option);
        bins.Validators.Add(result =>
        {
            if (OptionRules.IntegerToken(result) == 1) result.AddError("--bins must be at least 2 (one bit is the default).");
        });
        steps.Validators.Add(result =>
        {
            if (OptionRules.IntegerToken(result) == 1) result.AddError("--steps must be at least 2 (a curve needs both ends).");
        });
        var layers = new Option<string[]>("--layers")
        {
            Description = "Analyse only these layers: node names as `inspect` lists them, or /regular expressions/ (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        layers.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (NodeSelector.Parse(token.Value, out var error) is null) result.AddError($"--layers {token.Value}: {error}");
        });
        var measures = new Option<string[]>("--measures")
        {
            Description = $"Measures to score and order units by (default all): {string.Join(", ", MeasuresByName.Keys)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        measures.Validators.Add(result =>
        {
            foreach (var token in OptionRules.SplitList(result.Tokens.Select(t => t.Value)).Where(n => !MeasuresByName.ContainsKey(n)))
                result.AddError($"--measures: '{token}' is not a measure (choose from {string.Join(", ", MeasuresByName.Keys)}).");
        });
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var cmi = new Option<bool>("--cmi")
        {
            Description = "Instead of the ablation analysis, order each layer's channels by conditional mutual information (method cmi's defaults, " +
                          "on the first --cmi-samples samples) and write cmi.json: each layer's channel order, cumulative CMI curve and cutoff, and the visiting order.",
        };
        var cmiSamples = new Option<int>("--cmi-samples")
        {
            Description = $"With --cmi: N, the samples the N×N Gram matrices are built on ({8} to {CmiParameters.MaxSamples}).",
            DefaultValueFactory = _ => CmiParameters.DefaultSamples,
        };
        cmiSamples.Validators.Add(result =>
        {
            if (OptionRules.IntegerToken(result) is { } n && (n < 8 || n > CmiParameters.MaxSamples))
                result.AddError($"--cmi-samples must be between 8 and {CmiParameters.MaxSamples}.");
        });
        var preprocess = new PreprocessOptions();

        var command = new Command("analyze", "Score every unit by information measures and draw layer-wise cumulative ablation curves.")
        {
            model, images, labels, output, samples, evalSamples, steps, seeds, seed, bins, layers, measures, json, cmi, cmiSamples,
        };
        foreach (var option in preprocess.All) command.Options.Add(option);
        command.SetAction(parse => Run(context, new Request(
            parse.GetValue(model)!, parse.GetValue(images)!, parse.GetValue(labels)!, parse.GetValue(output)!,
            new NeuronAnalysisOptions
            {
                CalibrationSamples = parse.GetValue(samples),
                EvaluationSamples = parse.GetValue(evalSamples),
                Steps = parse.GetValue(steps),
                RandomSeeds = parse.GetValue(seeds),
                Seed = parse.GetValue(seed),
                Layers = (parse.GetValue(layers) ?? []).Select(l => NodeSelector.Parse(l, out _)!).ToArray(),
                Measures = parse.GetValue(measures) is { Length: > 0 } names
                    ? OptionRules.SplitList(names).Select(n => MeasuresByName[n]).Distinct().ToArray()
                    : Enum.GetValues<NeuronMeasure>(),
                Measurement = parse.GetValue(bins) is { } k
                    ? MeasurementOptions.Default with { Quantizer = new QuantizerPolicy { Bins = k } }
                    : MeasurementOptions.Default,
            },
            parse.GetValue(json), parse.GetValue(globals.Threads), preprocess.From(parse), parse.GetValue(cmi) ? parse.GetValue(cmiSamples) : null)));
        return command;
    }

    private static readonly IReadOnlyDictionary<string, NeuronMeasure> MeasuresByName =
        Enum.GetValues<NeuronMeasure>().ToDictionary(AblationOrdering.MeasureName, StringComparer.Ordinal);

    private sealed record Request(string Model, string Images, string Labels, string Output, NeuronAnalysisOptions Options, bool Json, int Threads,
        Preprocessing Preprocessing, int? CmiSamples = null);

    private static int Run(ToolContext context, Request request)
    {
        InputFiles.Require(request.Model, request.Images, request.Labels);
        var model = OnnxModel.Load(request.Model);
        OpRegistry.Default.ThrowIfInconsistent(model.Graph, request.Model);
        OpRegistry.Default.ThrowIfUnsupported(model.Graph, request.Model);
        var data = context.Datasets.Open(request.Images, request.Labels, model, request.Preprocessing);
        using var release = data as IDisposable;
        DeviceChoice.UseThreads(request.Threads);
        if (request.CmiSamples is { } cmiSampleCount) return RunCmi(context, request, model, data, cmiSampleCount);

        // Ctrl+C and SIGTERM stop between evaluations; nothing is written unless the analysis finishes.
        context.Stop.Cooperative = true;
        NeuronAnalysisResult result;
        IReadOnlyList<string> files;
        try
        {
            var progress = new ProgressLine(context.Error, context.RichOutput);
            result = NeuronAnalysis.Run(model, data, request.Options, progress, context.Stop.Token);
            progress.Finish();
            files = NeuronAnalysisFiles.WriteAll(result, request.Output);
        }
        finally
        {
            context.Stop.Cooperative = false;
        }

        if (request.Json) WriteJson(context.Out, request, result, files);
        else WriteText(context.Out, request, result);
        return 0;
    }

    /// <summary><c>analyze --cmi</c>: the cmi walk and cutoffs on the first samples, written to cmi.json and summarized.</summary>
    private static int RunCmi(ToolContext context, Request request, OnnxModel model, IBatchSource data, int samples)
    {
        var parameters = new CmiParameters { Samples = samples };
        context.Stop.Cooperative = true;
        CmiReport report;
        try
        {
            var progress = new Progress<string>(message => context.Error.WriteLine($"infoprune: {message}"));
            report = CmiAnalysis.Run(model, data, parameters, Math.Max(1, request.Threads), progress, context.Stop.Token);
            Directory.CreateDirectory(request.Output);
            AtomicFile.WriteAllText(Path.Combine(request.Output, "cmi.json"), JsonSerializer.Serialize(report, CmiJson) + "\n");
        }
        finally
        {
            context.Stop.Cooperative = false;
        }
        if (request.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(report, CmiJsonLine));
            return 0;
        }
        context.Out.WriteLine($"{request.Model}: CMI on {report.Samples} samples (α = {report.Alpha.ToString(CultureInfo.InvariantCulture)}, {report.Conditioning}, " +
            $"{report.Cutoff}, {report.Order} from {report.StartLayer}); {report.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        foreach (var layer in report.Layers)
            context.Out.WriteLine($"  {layer.Visit,2}. {layer.Name}: cutoff keeps {layer.Cutoff} of {layer.Channels} channels, " +
                $"I(S;Y|Z) {layer.Cumulative[layer.Cutoff].ToString("0.###", CultureInfo.InvariantCulture)} of {layer.Cumulative[^1].ToString("0.###", CultureInfo.InvariantCulture)} bits" +
                (layer.ConditionedOn.Count == 0 ? "" : $", given {string.Join(", ", layer.ConditionedOn)}"));
        context.Out.WriteLine($"Curves: {Path.GetFullPath(Path.Combine(request.Output, "cmi.json"))}");
        return 0;
    }

    private static readonly JsonSerializerOptions CmiJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
    private static readonly JsonSerializerOptions CmiJsonLine = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static void WriteText(TextWriter output, Request request, NeuronAnalysisResult result)
    {
        output.WriteLine($"{request.Model}: accuracy {Pct(result.OriginalAccuracy)} on {result.EvaluationSamples} samples; " +
            $"measures from {result.CalibrationSamples} samples ({result.Quantizer}); {result.Timings.Evaluations} ablation evaluations in {Sec(result.Timings.AblationSeconds)} ({Sec(result.Timings.TotalSeconds)} total)");
        foreach (var note in result.Notes) output.WriteLine($"note: {note}");
        output.WriteLine("Mean accuracy over each curve (area), layer by layer:");
        foreach (var layer in result.Layers)
        {
            output.WriteLine($"  {layer.Name} ({layer.Units.Count} units{(layer.Activation is { } a ? ", " + a : "")}):");
            foreach (var s in new[] { layer.Summary, layer.FirstHalf })
            {
                var part = s.UpToFraction >= 1 ? "whole curve" : "0–50%";
                output.WriteLine($"    {part,-11} to zero:  MI low→high {Pct(s.Plain.GetValueOrDefault(LayerAblationSummary.MutualInformationLowFirst, double.NaN))}, " +
                    $"random {Pct(s.RandomPlain)} → {Verdict(s.MutualInformationAdvantagePlain, "MI better than random", "MI worse than random")}");
                if (s.Balanced == null) continue;
                output.WriteLine($"    {part,-11} balanced: MI low→high {Pct(s.Balanced.GetValueOrDefault(LayerAblationSummary.MutualInformationLowFirst, double.NaN))}, " +
                    $"random {Pct(s.RandomBalanced)} → {Verdict(s.MutualInformationAdvantageBalanced, "MI better than random", "MI worse than random")}");
                output.WriteLine($"    {part,-11} balancing {Verdict(s.BalancingGain, "helps", "hurts")} (random orders {Signed(s.BalancingGainRandom)}, MI low→high {Signed(s.BalancingGainMutualInformation)})");
            }
            foreach (var balanced in layer.Summary.Balanced == null ? new[] { false } : new[] { false, true })
                if (layer.Summary.BestLowFirst(balanced) is { } best)
                    output.WriteLine($"    best measure {(balanced ? "balanced" : "to zero")}: {best.Measure} low→high {Pct(best.MeanAccuracy)}, " +
                        $"{Signed(best.MeanAccuracy - (balanced ? layer.Summary.RandomBalanced : layer.Summary.RandomPlain))} vs random");
            if (layer.Note != null) output.WriteLine($"    {layer.Note}");
        }
        output.WriteLine($"Report: {Path.GetFullPath(Path.Combine(request.Output, "report.html"))}");
    }

    private static void WriteJson(TextWriter output, Request request, NeuronAnalysisResult result, IReadOnlyList<string> files)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            json.WriteString("out", Path.GetFullPath(request.Output));
            json.WriteNumber("originalAccuracy", result.OriginalAccuracy);
            json.WriteNumber("calibrationSamples", result.CalibrationSamples);
            json.WriteNumber("evaluationSamples", result.EvaluationSamples);
            json.WriteBoolean("samplesOverlap", result.SamplesOverlap);
            json.WriteString("quantizer", result.Quantizer);
            json.WriteNumber("steps", result.Steps);
            json.WriteNumber("randomSeeds", result.RandomSeeds);
            json.WriteNumber("evaluations", result.Timings.Evaluations);
            json.WriteNumber("seconds", result.Timings.TotalSeconds);
            json.WriteNumber("ablationSeconds", result.Timings.AblationSeconds);
            json.WriteStartArray("layers");
            foreach (var layer in result.Layers)
            {
                var s = layer.Summary;
                json.WriteStartObject();
                json.WriteString("layer", layer.Name);
                json.WriteNumber("groupId", layer.GroupId);
                json.WriteNumber("units", layer.Units.Count);
                if (layer.Activation is { } activation) json.WriteString("activation", activation); else json.WriteNull("activation");
                Comparisons(json, s);
                json.WriteStartObject("firstHalf");
                Comparisons(json, layer.FirstHalf);
                json.WriteEndObject();
                json.WriteStartObject("meanAccuracy");
                foreach (var (ordering, value) in s.Plain) json.WriteNumber(ordering, value);
                json.WriteEndObject();
                if (s.Balanced != null)
                {
                    json.WriteStartObject("meanAccuracyBalanced");
                    foreach (var (ordering, value) in s.Balanced) json.WriteNumber(ordering, value);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var file in files) json.WriteStringValue(file);
            json.WriteEndArray();
            json.WriteStartArray("notes");
            foreach (var note in result.Notes) json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The paper's two comparisons for one part of the curves.</summary>
    private static void Comparisons(Utf8JsonWriter json, LayerAblationSummary s)
    {
        Number(json, "miLowFirst", s.Plain.TryGetValue(LayerAblationSummary.MutualInformationLowFirst, out var mi) ? mi : null);
        Number(json, "random", s.RandomPlain);
        Number(json, "miAdvantage", s.MutualInformationAdvantagePlain);
        Number(json, "miLowFirstBalanced", s.Balanced?.TryGetValue(LayerAblationSummary.MutualInformationLowFirst, out var mb) == true ? mb : null);
        Number(json, "randomBalanced", s.RandomBalanced);
        Number(json, "miAdvantageBalanced", s.MutualInformationAdvantageBalanced);
        Number(json, "balancingGain", s.BalancingGain);
        Number(json, "balancingGainRandom", s.BalancingGainRandom);
        Number(json, "balancingGainMi", s.BalancingGainMutualInformation);
        Number(json, "balancingGainAllOrderings", s.BalancingGainAllOrderings);
        foreach (var (balanced, key) in new[] { (false, "bestLowFirst"), (true, "bestLowFirstBalanced") })
        {
            if (s.BestLowFirst(balanced) is not { } best) continue;
            json.WriteStartObject(key);
            json.WriteString("measure", best.Measure);
            json.WriteNumber("meanAccuracy", best.MeanAccuracy);
            json.WriteEndObject();
        }
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static string Pct(double? value) => value is { } v && !double.IsNaN(v) ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "—";

    private static string Signed(double? value) => value is { } v && !double.IsNaN(v)
        ? (v >= 0 ? "+" : "−") + Math.Abs(v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " pt"
        : "—";

    private static string Verdict(double? difference, string positive, string negative) =>
        difference is { } d && !double.IsNaN(d) ? $"{Signed(d)} ({(d >= 0 ? positive : negative)})" : "—";

    private static string Sec(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
