using System.Diagnostics;
using System.Globalization;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.IO;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Reporting;
using InfoPrune.Core.Training;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Pipeline;

/// <summary>The result of a run that produced a model.</summary>
public sealed record PruneOutcome(PruneReport Report, string OutputPath, string ReportPath);

/// <summary>
/// The one place the steps are put in order:
/// load → analyze → measure → plan → surgery → fine-tune → validate (gate, ORT parity) → emit.
/// The input model is never modified; the output is written atomically and only when the gate
/// passes; the report is written either way. Cancellation between steps or training steps
/// leaves no output behind.
/// </summary>
public sealed class PrunePipeline
{
    /// <summary>Pipeline-level problems (IP0530–IP0539).</summary>
    public static readonly ErrorCode OutputIsInput = ErrorCode.Input(530);

    /// <summary>Warning: the constraints and frozen layers leave too little to reach a macs/params target.</summary>
    public static readonly ErrorCode TargetNotReached = ErrorCode.Input(531);

    /// <summary>Warning: an entry of constraints.exclude names no node of the model (a typo protects nothing).</summary>
    public static readonly ErrorCode ExcludeMatchesNothing = ErrorCode.Input(532);

    /// <summary>How far above a macs/params target a plan may land before it is worth a warning (a channel's worth of rounding).</summary>
    private const double TargetTolerance = 0.01;

    private readonly IProgress<PipelineProgress>? _progress;
    private readonly Action<Diagnostic>? _warn;
    private readonly List<StepTime> _steps = new();
    private readonly Stopwatch _clock = new();

    /// <param name="progress">Step and fine-tuning progress.</param>
    /// <param name="warn">Told each warning as soon as it is known (the report lists them too), so a
    /// run that then fails the gate still shows them.</param>
    public PrunePipeline(IProgress<PipelineProgress>? progress = null, Action<Diagnostic>? warn = null)
    {
        _progress = progress;
        _warn = warn;
    }

    public PruneOutcome Run(PruneRequest request, CancellationToken cancellation = default)
    {
        var outputPath = request.ResolvedOutputPath;
        var reportPath = request.ResolvedReportPath;
        if (string.Equals(outputPath, Path.GetFullPath(request.ModelPath), StringComparison.Ordinal))
            throw new InfoPruneException(OutputIsInput, "the output path is the input model; InfoPrune never overwrites its input", request.ModelPath);
        DeviceChoice.UseThreads(request.Threads);

        // Load: policy first (it is checked whole before anything runs), then the model.
        var policy = Step("load", "reading policy and model", () => PolicyLoader.Load(request.PolicyPath));
        var modelBytes = File.ReadAllBytes(request.ModelPath);
        var model = OnnxModel.Parse(modelBytes, request.ModelPath);
        if (request.DependencyFile != null) WriteDependencies(request.DependencyFile, request.ModelPath, policy);
        var gate = policy.Gate with { MinAccuracy = request.MinAccuracyOverride ?? policy.Gate.MinAccuracy };
        var options = DatasetBatchSource.OptionsFor(model, ToPreprocessing(policy.Data.Preprocess));
        using var validation = Open(policy.Data.Validation, options);
        using var train = policy.Data.Train is { } t ? Open(t, options) : null;
        cancellation.ThrowIfCancellationRequested();

        var graph = Step("analyze", "building channel groups", () => DependencyGraph.Analyze(model));
        var cost = new CostModel(graph);
        var method = MethodCatalog.Create(policy.Method, policy.SourcePath);
        var context = new MethodContext { Seed = policy.Seed };
        if (method is IPlanningMethod)
        {
            var calibration = policy.Data.Calibration.From == CalibrationSource.Train && train != null ? train : validation;
            context = Step("measure", $"measuring activations on {policy.Data.Calibration.Samples} calibration samples", () =>
                new MethodContext { Seed = policy.Seed, Measurements = Measure(graph, calibration, policy) });
        }
        cancellation.ThrowIfCancellationRequested();

        var plan = Step("plan", $"scoring channels with {method.Name}", () => method is IPlanningMethod planner
            ? planner.Plan(graph, context, policy.Target, policy.Constraints)
            : ChannelSelector.Select(graph, method.Score(graph, context), policy.Target, policy.Constraints, method.RanksAcrossLayers, method.Name));
        // A method's warnings are about its policy settings, so they point at the policy file.
        var warningList = ((method as IPlanningMethod)?.Warnings ?? []).Select(w => w.File == null ? w with { File = policy.SourcePath } : w).ToList();
        warningList.AddRange(UnmatchedExcludes(model, policy));
        if (TargetShortfall(cost, plan, policy) is { } shortfall) warningList.Add(shortfall);
        foreach (var warning in warningList) _warn?.Invoke(warning);
        var warnings = warningList.Select(w => w.ToCanonicalString()).ToArray();
        var pruned = Step("surgery", "removing channels", () => Surgery.Apply(graph, plan));
        cancellation.ThrowIfCancellationRequested();

        var ortThreads = request.Threads;
        var accuracyBefore = Step("validate-original", "accuracy of the original (ONNX Runtime)", () =>
            Evaluator.Evaluate(model, EvaluationRuntime.Ort, new DatasetBatchSource(validation), new EvaluationOptions { OrtThreads = ortThreads }).Accuracy);

        using var student = GraphExecutor.Create(pruned);
        FineTuneReport? fineTune = null;
        if (policy.FineTune.Epochs > 0)
        {
            if (train == null) throw new InfoPruneException(PolicyErrors.MissingKey, "fineTune.epochs > 0 needs data.train", policy.SourcePath);
            var trainOptions = FineTuneOptions.From(policy.FineTune, policy.Seed);
            using var teacher = trainOptions.Distills ? GraphExecutor.Create(graph.Model) : null;
            var progress = new Progress<TrainingProgress>(p => _progress?.Report(new PipelineProgress("fine-tune",
                $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.RunningLoss:0.000}", (double)p.CompletedSteps / p.TotalSteps)));
            var result = Step("fine-tune", "fine-tuning", () => new Trainer(trainOptions).Train(student, train, teacher, progress, cancellation));
            fineTune = new FineTuneReport(result.Epochs.Count, result.Steps, result.Seconds, result.ImagesPerSecond, result.Epochs.Select(e => e.MeanLoss).ToArray());
        }
        cancellation.ThrowIfCancellationRequested();

        // Validate what ships: the trained graph as ONNX bytes, measured in ONNX Runtime.
        var trained = student.ToModel();
        var accuracyAfter = Step("validate-pruned", "accuracy of the pruned model (ONNX Runtime)", () =>
            Evaluator.Evaluate(trained, EvaluationRuntime.Ort, new DatasetBatchSource(validation), new EvaluationOptions { OrtThreads = ortThreads }).Accuracy);
        var verdict = AccuracyGate.Judge(accuracyBefore, accuracyAfter, gate.MinAccuracy, gate.MaxDrop, request.ModelPath);

        var policyBytes = File.ReadAllBytes(policy.SourcePath);
        var final = Provenance.Stamp(trained, Provenance.Entries(modelBytes, policyBytes, policy.Seed, method.Name, accuracyBefore, accuracyAfter));
        var finalBytes = final.ToBytes();
        var parity = Step("parity", "checking ONNX Runtime against TorchSharp", () =>
            OrtParityCheck.Check(finalBytes, student, new DatasetBatchSource(validation).ReadBatches(FixedBatch(model) ?? 64).Take(2), outputPath, ortThreads));
        cancellation.ThrowIfCancellationRequested();

        var sampleShape = options.Preprocessing.SampleShape?.Select(d => (long)d).ToArray() ?? validation.SampleShape.Select(d => (long)d).ToArray();
        double? Latency(byte[] bytes, int batch) => request.MeasureLatency ? OrtLatency.MedianMilliseconds(bytes, sampleShape, batch, batch == 1 ? 50 : 10, ortThreads) : null;
        var (lat1Before, lat64Before, lat1After, lat64After) = Step("latency", "timing ONNX Runtime inference", () =>
            (Latency(modelBytes, 1), Latency(modelBytes, 64), Latency(finalBytes, 1), Latency(finalBytes, 64)));

        var prunedGraphCost = new CostModel(DependencyGraph.Analyze(final));
        var report = new PruneReport
        {
            ToolVersion = Provenance.ToolVersion,
            Model = Path.GetFullPath(request.ModelPath),
            Policy = policy.SourcePath,
            Output = verdict.Passed ? outputPath : null,
            Method = method.Name,
            Target = $"{policy.Target.Kind.ToString().ToLowerInvariant()} {policy.Target.Fraction.ToString("0.###", CultureInfo.InvariantCulture)}",
            Seed = policy.Seed,
            Groups = graph.Groups.Select(g => new GroupReport(g.Id, g.Name, g.Producers, g.Size, plan.KeptIndices(g).Count, g.IsPrunable,
                g.IsPrunable ? plan.Decisions.TryGetValue(g.Id, out var d) ? d.Reason : "excluded by the policy" : string.Join("; ", g.FrozenReasons))).ToArray(),
            Before = new Totals(cost.OriginalParams, cost.OriginalMacs, modelBytes.Length, accuracyBefore, lat1Before, lat64Before),
            After = new Totals(prunedGraphCost.OriginalParams, prunedGraphCost.OriginalMacs, finalBytes.Length, accuracyAfter, lat1After, lat64After),
            Gate = new GateReport(verdict.Passed, accuracyBefore, accuracyAfter, gate.MinAccuracy, gate.MaxDrop, verdict.Failures.Select(f => f.Message).ToArray()),
            ParityMaxAbsDifference = parity,
            FineTune = fineTune,
            Steps = _steps.ToArray(),
            Warnings = warnings,
            Outcome = verdict.Passed ? "pruned" : "gate-failed",
        };

        cancellation.ThrowIfCancellationRequested();
        ReportWriter.WriteJson(report, reportPath);
        ReportWriter.WriteMarkdown(report, Path.ChangeExtension(reportPath, ".md"));
        ReportWriter.WriteHtml(report, Path.ChangeExtension(reportPath, ".html"));
        if (!verdict.Passed)
        {
            // A model left from an earlier run must not pass for the result of this one.
            if (File.Exists(outputPath)) File.Delete(outputPath);
            throw new InfoPruneException(verdict.Failures);
        }
        AtomicFile.WriteAllBytes(outputPath, finalBytes);
        return new PruneOutcome(report, outputPath, reportPath);
    }

    /// <summary>One warning per constraints.exclude entry that matches no node name of the model.</summary>
    private static IEnumerable<Diagnostic> UnmatchedExcludes(OnnxModel model, PrunePolicy policy)
    {
        var names = model.Graph.Nodes.Select(n => n.DisplayName).ToList();
        for (var i = 0; i < policy.Constraints.Exclude.Length; i++)
        {
            var selector = policy.Constraints.Exclude[i];
            if (names.Any(selector.Matches)) continue;
            var hint = selector.IsRegex ? "no node name matches the pattern" : "no node has this exact name (a pattern goes between slashes)";
            yield return new Diagnostic(ExcludeMatchesNothing,
                $"constraints.exclude[{i}] \"{selector}\" matches no node of {Path.GetFileName(model.SourcePath)}: {hint}; `infoprune inspect` lists the node names",
                policy.SourcePath, Severity: Severity.Warning);
        }
    }

    /// <summary>
    /// A warning when the plan keeps clearly more MACs or parameters than the target asks for: the
    /// run goes on (a smaller model is still better than none), but the user should know why the
    /// file is bigger than they asked.
    /// </summary>
    private static Diagnostic? TargetShortfall(CostModel cost, PruningPlan plan, PrunePolicy policy)
    {
        if (policy.Target.Kind == TargetKind.Ratio) return null;
        var planned = cost.Cost(plan);
        var (kept, original, what) = policy.Target.Kind == TargetKind.Macs
            ? (planned.Macs, cost.OriginalMacs, "MACs")
            : (planned.Params, cost.OriginalParams, "parameters");
        var fraction = (double)kept / original;
        if (fraction <= policy.Target.Fraction + TargetTolerance) return null;
        return new Diagnostic(TargetNotReached,
            $"the target keeps {policy.Target.Fraction.ToString("0.###", CultureInfo.InvariantCulture)} of the {what}, but the plan keeps " +
            $"{fraction.ToString("0.###", CultureInfo.InvariantCulture)}: the prunable layers, within constraints.exclude, maxRatio and " +
            "minChannels, hold too little; loosen the constraints or accept the larger model",
            policy.SourcePath, Severity: Severity.Warning);
    }

    /// <summary>
    /// The calibration pass: a seeded random subset of the calibration split (samples drawn
    /// without replacement), run once through the unpruned model.
    /// </summary>
    private static Measurement.ActivationMeasurements Measure(DependencyGraph graph, LabeledDataset data, PrunePolicy policy)
    {
        const int batchSize = 256;
        var samples = Math.Min(policy.Data.Calibration.Samples, data.Count);
        var batches = new BatchStream(data, new BatchOptions(batchSize) { ShuffleSeed = policy.Seed }).Epoch()
            .Take((samples + batchSize - 1) / batchSize);
        using var executor = GraphExecutor.Create(graph.Model);
        return Measurement.CalibrationPass.Run(executor, graph, batches, Methods.Information.InformationMethods.MeasurementOptionsFor(policy.Method));
    }

    /// <summary>
    /// Every file a run of <paramref name="policy"/> on <paramref name="modelPath"/> reads (model,
    /// policy, data), full paths, each once: what a build watches and what a result cache keys on.
    /// </summary>
    public static IReadOnlyList<string> InputFiles(string modelPath, PrunePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var files = new List<string> { Path.GetFullPath(modelPath), policy.SourcePath, policy.Data.Validation.Images, policy.Data.Validation.Labels };
        if (policy.Data.Train is { } train) files.AddRange(new[] { train.Images, train.Labels });
        return files.Distinct().ToArray();
    }

    private static void WriteDependencies(string path, string modelPath, PrunePolicy policy) =>
        AtomicFile.WriteAllText(path, string.Join("\n", InputFiles(modelPath, policy)) + "\n");

    /// <summary>The batch size a model exported without a dynamic batch axis accepts, if any.</summary>
    private static int? FixedBatch(OnnxModel model) =>
        model.Graph.Inputs.Count == 1 && model.Graph.Inputs[0].Shape is { Count: > 0 } shape && shape[0].Value is { } fixedSize ? (int)fixedSize : null;

    private static LabeledDataset Open(DatasetFiles files, DatasetOptions options) =>
        LabeledDataset.Open(files.Images, files.Labels, options with { ImagesArrayName = files.ImagesArray, LabelsArrayName = files.LabelsArray });

    private static Preprocessing ToPreprocessing(PreprocessPolicy p) => new()
    {
        Scale = p.Scale,
        Mean = p.Mean.ToArray(),
        Std = p.Std.ToArray(),
    };

    private T Step<T>(string name, string message, Func<T> work)
    {
        _progress?.Report(new PipelineProgress(name, message));
        _clock.Restart();
        var result = work();
        _steps.Add(new StepTime(name, Math.Round(_clock.Elapsed.TotalSeconds, 3)));
        return result;
    }
}
