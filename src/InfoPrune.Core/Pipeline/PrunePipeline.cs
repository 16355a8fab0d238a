using System.Diagnostics;
using System.Globalization;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.IO;
using InfoPrune.Core.Latency;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Preparation;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Reporting;
using InfoPrune.Core.Training;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Pipeline;

/// <summary>The result of a run that produced a model.</summary>
public sealed record PruneOutcome(PruneReport Report, string OutputPath, string ReportPath);

/// <summary>
/// The one place the steps are put in order:
/// load → analyze → measure → (time channel widths) → plan → surgery → fine-tune → validate (gate,
/// ORT parity, latency original against pruned) → emit.
/// The input model is never modified; the output is written atomically and only when the gate
/// passes; the report is written either way. Cancellation between steps or training steps
/// leaves no output behind.
/// </summary>
public sealed class PrunePipeline
{
    /// <summary>Pipeline-level problems (IP0530–IP0539).</summary>
    public static readonly ErrorCode OutputIsInput = OutputErrors.OutputIsInput;

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
        DeviceChoice.UseThreads(request.Threads);

        // Load: policy first (it is checked whole before anything runs), then the model.
        var policy = Step("load", "reading policy and model", () => PolicyLoader.Load(request.PolicyPath));
        // Every output is checked and locked before the work starts, not after a long fine-tune.
        using var outputs = PruneOutputs.Claim(request, policy);
        var modelBytes = OnnxModel.ReadFile(request.ModelPath);
        var model = OnnxModel.Parse(modelBytes, request.ModelPath);
        var gate = policy.Gate with { MinAccuracy = request.MinAccuracyOverride ?? policy.Gate.MinAccuracy };
        var options = DatasetBatchSource.OptionsFor(model, ToPreprocessing(policy.Data.Preprocess));
        using var validation = Open(policy.Data.Validation, options, policy);
        using var train = policy.Data.Train is { } t ? Open(t, options, policy) : null;
        OrtParityCheck.CheckInputModel(model, modelBytes, new DatasetBatchSource(validation).ReadBatches(FixedBatch(model) ?? 16).First(), request.ModelPath, request.Threads);
        cancellation.ThrowIfCancellationRequested();

        var graph = Step("analyze", "building channel groups", () => DependencyGraph.Analyze(model));
        var cost = new CostModel(graph);
        var sampleShape = options.Preprocessing.SampleShape?.Select(d => (long)d).ToArray() ?? validation.SampleShape.Select(d => (long)d).ToArray();
        var latency = new LatencyStep(policy, request.MeasureLatency, request.Threads, model, modelBytes, sampleShape, request.ModelPath, request.CacheFolder);
        var method = MethodCatalog.Create(policy.Method);
        var calibration = policy.Data.Calibration.From == CalibrationSource.Train && train != null ? train : validation;
        if (policy.FineTune.Epochs > 0 && train == null)
            throw new InfoPruneException(PolicyErrors.MissingKey, "fineTune.epochs > 0 needs data.train", policy.SourcePath);
        cancellation.ThrowIfCancellationRequested();

        var ortThreads = request.Threads;
        var accuracyBefore = Step("validate-original", "accuracy of the original (ONNX Runtime)", () =>
            Evaluator.Evaluate(model, EvaluationRuntime.Ort, new DatasetBatchSource(validation), new EvaluationOptions { OrtThreads = ortThreads }).Accuracy);

        // The loop: each step measures and ranks on the current model, cuts its share, and
        // fine-tunes its share of the run (one step: the whole target and the whole run).
        var steps = policy.Steps;
        var originalSizes = graph.Groups.GroupBy(g => g.Name).ToDictionary(n => n.Key, n => n.First().Size, StringComparer.Ordinal);
        var trainOptions = FineTuneOptions.From(policy.FineTune, policy.Seed);
        var trainingMethod = method is ITrainingMethod { TrainingEpochs: > 0 } trains ? trains : null;
        if (trainingMethod != null && train == null)
            throw new InfoPruneException(PolicyErrors.MissingKey, $"method {method.Name} trains before it plans and needs data.train", policy.SourcePath);
        using var teacher = (policy.FineTune.Epochs > 0 || trainingMethod != null) && trainOptions.Distills ? GraphExecutor.Create(graph.Model) : null;
        var current = graph;
        PruningPlan plan = PruningPlan.KeepAll;
        GraphExecutor? student = null;
        OnnxModel trained = model;
        var warningList = new List<Diagnostic>();
        ChannelWidths? measuredWidths = null;
        var batchNormLayers = new List<string>();
        var fineTuneResults = new List<TrainingResult>();
        var methodTrainingResults = new List<TrainingResult>();
        try
        {
            for (var step = 1; step <= steps; step++)
            {
                var label = steps == 1 ? "" : $" (step {step}/{steps})";
                var stepTarget = StepTarget(policy.Target, step, steps, cost, current);
                var constraints = steps == 1 ? policy.Constraints : policy.Constraints with { OriginalSizes = originalSizes };
                if (trainingMethod != null)
                {
                    // The method's own training (e.g. gates) runs on the current model; it plans on what that training made.
                    var untrained = current;
                    var (trainedGraph, result) = Step("train-method" + label, $"training {method.Name} for {trainingMethod.TrainingEpochs} epoch(s)", () =>
                        TrainMethod(trainingMethod, untrained, stepTarget, constraints, policy, calibration, train!, teacher, trainOptions, label, cancellation));
                    methodTrainingResults.Add(result);
                    current = trainedGraph;
                    cancellation.ThrowIfCancellationRequested();
                }
                var planProgress = new Progress<string>(what => _progress?.Report(new PipelineProgress("plan", what)));
                var context = new MethodContext { Seed = policy.Seed, Threads = request.Threads, Progress = planProgress, Cancellation = cancellation };
                var accumulators = method.Accumulators(current);
                if (method.Measurement is not null || accumulators.Count > 0)
                {
                    var measured = current;
                    context = Step("measure" + label, $"measuring activations on {policy.Data.Calibration.Samples} calibration samples", () =>
                        new MethodContext
                        {
                            Seed = policy.Seed, Threads = request.Threads, Progress = planProgress, Cancellation = cancellation,
                            Measurements = Measure(measured, calibration, policy, method.Measurement, accumulators),
                            Accumulators = accumulators,
                        });
                }
                cancellation.ThrowIfCancellationRequested();

                var planned = current;
                // Group ids are the graph's own, so each step's graph gets its widths (the cache makes repeats cheap).
                if (latency.Enabled && constraints.RoundsToMeasuredWidths)
                {
                    var unmeasured = constraints;
                    constraints = Step("widths" + label, "timing channel widths in ONNX Runtime", () => latency.MeasureWidths(planned, unmeasured, cancellation));
                    measuredWidths = constraints.MeasuredWidths;
                }
                constraints = ResolveAllocation(method, constraints, policy);
                if (constraints.Allocation == LayerAllocation.Sensitivity && stepTarget.Kind is not (TargetKind.Ratio or TargetKind.Auto))
                {
                    // The method's own ranking decides which units each measured point removes.
                    var (scoring, scoringContext, unmeasured) = ((IImportanceMethod)method, context, constraints);
                    constraints = Step("sensitivity" + label, $"measuring each layer's loss as its units are removed ({SensitivityPass.Samples} calibration samples)",
                        () => unmeasured with
                        {
                            Sensitivity = SensitivityPass.Run(planned, scoring.Score(planned, scoringContext), CalibrationBatches(calibration, policy), unmeasured, cancellation),
                        });
                }
                var stepConstraints = constraints;
                plan = Step("plan" + label, $"scoring channels with {method.Name}", () =>
                    latency.Plan(planned, stepTarget, target => method.Plan(planned, context, target, stepConstraints), cancellation));
                if (step == 1)
                {
                    // A method's warnings are about its policy settings, so they point at the policy file.
                    warningList.AddRange(method.Warnings.Select(w => w.File == null ? w with { File = policy.SourcePath } : w));
                    warningList.AddRange(UnmatchedExcludes(model, policy));
                    warningList.AddRange(CalibrationShortfall(policy, method, planned, validation, train));
                    foreach (var warning in warningList) _warn?.Invoke(warning);
                }
                var pruned = Step("surgery" + label, "removing channels", () => Surgery.Apply(planned, plan));
                cancellation.ThrowIfCancellationRequested();

                student?.Dispose();
                student = null;
                if (policy.FineTune.Epochs > 0)
                {
                    var prepared = policy.FineTune.BatchNorm == BatchNormMode.Auto
                        ? Step("prepare" + label, "re-inserting BatchNorm for fine-tuning", () =>
                            BatchNormReinsertion.Insert(pruned, CalibrationBatches(calibration, policy), planned.Model, layer =>
                                planned.Registry.Find(layer)?.WeightedLayer(layer) is { } traits
                                    ? Surgery.KeptPositions(planned, plan, layer.Inputs[traits.WeightInput], traits.WeightOutputAxis)
                                    : null))
                        : new BatchNormPreparation(pruned, Array.Empty<ReinsertedBatchNorm>());
                    if (step == 1) batchNormLayers.AddRange(prepared.Inserted.Select(bn => bn.Layer));
                    student = GraphExecutor.Create(prepared.Model);
                    var segment = trainOptions with { Segment = FineTuneShare(step, steps) };
                    var progress = new Progress<TrainingProgress>(p => _progress?.Report(new PipelineProgress("fine-tune",
                        $"{label.Trim()} epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.RunningLoss:0.000}".TrimStart(), (double)p.CompletedSteps / p.TotalSteps)));
                    var trainee = student;
                    fineTuneResults.Add(Step("fine-tune" + label, "fine-tuning", () => new Trainer(segment).Train(trainee, train!, teacher, progress, cancellation)));
                    trained = BatchNormReinsertion.FoldBack(student.ToModel(), prepared.Inserted);
                }
                else
                {
                    student = GraphExecutor.Create(pruned);
                    trained = pruned;
                }
                cancellation.ThrowIfCancellationRequested();
                if (step < steps)
                {
                    var next = trained;
                    current = Step("analyze" + label, "building channel groups of the pruned model", () => DependencyGraph.Analyze(next));
                }
            }
        }
        catch
        {
            student?.Dispose();
            throw;
        }
        using var finalStudent = student!;
        foreach (var warning in latency.Warnings) { warningList.Add(warning); _warn?.Invoke(warning); }
        if (TargetShortfall(cost, new CostModel(DependencyGraph.Analyze(trained)), policy) is { } shortfall)
        {
            warningList.Add(shortfall);
            _warn?.Invoke(shortfall);
        }
        FineTuneReport? fineTune = fineTuneResults.Count == 0 ? null : new FineTuneReport(
            policy.FineTune.Epochs, fineTuneResults.Sum(r => r.Steps), fineTuneResults.Sum(r => r.Seconds),
            fineTuneResults.Sum(r => r.Seconds) > 0 ? fineTuneResults.Sum(r => r.Images) / fineTuneResults.Sum(r => r.Seconds) : 0,
            EpochLosses(fineTuneResults));
        FineTuneReport? methodTraining = methodTrainingResults.Count == 0 ? null : new FineTuneReport(
            trainingMethod!.TrainingEpochs * methodTrainingResults.Count, methodTrainingResults.Sum(r => r.Steps), methodTrainingResults.Sum(r => r.Seconds),
            methodTrainingResults.Sum(r => r.Seconds) > 0 ? methodTrainingResults.Sum(r => r.Images) / methodTrainingResults.Sum(r => r.Seconds) : 0,
            methodTrainingResults.SelectMany(r => r.Epochs).Select(e => e.MeanLoss).ToArray());
        cancellation.ThrowIfCancellationRequested();

        // Validate what ships: the trained graph as ONNX bytes, measured in ONNX Runtime.
        var accuracyAfter = Step("validate-pruned", "accuracy of the pruned model (ONNX Runtime)", () =>
            Evaluator.Evaluate(trained, EvaluationRuntime.Ort, new DatasetBatchSource(validation), new EvaluationOptions { OrtThreads = ortThreads }).Accuracy);
        var verdict = AccuracyGate.Judge(accuracyBefore, accuracyAfter, gate.MinAccuracy, gate.MaxDrop, request.ModelPath);

        var policyBytes = File.ReadAllBytes(policy.SourcePath);
        var final = Provenance.Stamp(trained, Provenance.Entries(modelBytes, policyBytes, policy.Seed, method.Name, accuracyBefore, accuracyAfter));
        var finalBytes = final.ToBytes();
        // Against the executor that was trained: with re-inserted BatchNorm, this also checks the fold.
        var parity = Step("parity", "checking ONNX Runtime against TorchSharp", () =>
            OrtParityCheck.Check(finalBytes, finalStudent, new DatasetBatchSource(validation).ReadBatches(FixedBatch(model) ?? 64).Take(2), outputPath, ortThreads));
        cancellation.ThrowIfCancellationRequested();

        // Timed after parity, on the bytes that ship: original and pruned interleaved, with the app's settings.
        var planWarnings = latency.Warnings.Count;
        var latencyReport = latency.Enabled ? Step("latency", "timing ONNX Runtime inference, original against pruned", () => latency.Compare(graph, finalBytes, cancellation)) : null;
        foreach (var warning in latency.Warnings.Skip(planWarnings)) { warningList.Add(warning); _warn?.Invoke(warning); }
        if (latency.GateFailures(latencyReport) is { Count: > 0 } latencyFailures)
            verdict = verdict with { Passed = false, Failures = [.. verdict.Failures, .. latencyFailures] };

        var prunedGraphCost = new CostModel(DependencyGraph.Analyze(final));
        var report = new PruneReport
        {
            ToolVersion = Provenance.ToolVersion,
            Model = Path.GetFullPath(request.ModelPath),
            Policy = policy.SourcePath,
            Output = verdict.Passed ? outputPath : null,
            Method = method.Name,
            Target = policy.Target.ToString(),
            Seed = policy.Seed,
            Groups = steps == 1 ? GroupReports(graph, plan, measuredWidths) : GroupReports(graph, current, plan, DependencyGraph.Analyze(final), steps),
            BatchNormLayers = batchNormLayers.ToArray(),
            PruningSteps = steps,
            Before = new Totals(cost.OriginalParams, cost.OriginalMacs, modelBytes.Length, accuracyBefore),
            After = new Totals(prunedGraphCost.OriginalParams, prunedGraphCost.OriginalMacs, finalBytes.Length, accuracyAfter),
            Gate = new GateReport(verdict.Passed, accuracyBefore, accuracyAfter, gate.MinAccuracy, gate.MaxDrop, verdict.Failures.Select(f => f.Message).ToArray(),
                policy.Gate.MaxLatencyRatio),
            ParityMaxAbsDifference = parity,
            Latency = latencyReport,
            FineTune = fineTune,
            MethodTraining = methodTraining,
            ChannelScores = method.ScoreReport,
            Steps = _steps.ToArray(),
            Warnings = warningList.Select(w => w.ToCanonicalString()).ToArray(),
            MethodDetails = method.Details,
            Outcome = verdict.Passed ? "pruned" : "gate-failed",
        };

        cancellation.ThrowIfCancellationRequested();
        outputs.Emit(report, verdict.Passed ? finalBytes : null, request.ModelPath, policy);
        if (!verdict.Passed) throw new InfoPruneException(verdict.Failures);
        return new PruneOutcome(report, outputPath, reportPath);
    }

    /// <summary>
    /// A method's own training on the current model: BatchNorm re-inserted as for fine-tuning (when
    /// the policy asks), the method attached to the compiled model, trained for the method's epochs
    /// with the fine-tuning settings, the BatchNorm folded back, and the method's
    /// <see cref="IMethodTraining.Finish"/> making the model it plans on.
    /// </summary>
    private (DependencyGraph Graph, TrainingResult Training) TrainMethod(ITrainingMethod method, DependencyGraph graph, TargetPolicy target,
        ConstraintsPolicy constraints, PrunePolicy policy, LabeledDataset calibration, LabeledDataset train, GraphExecutor? teacher,
        FineTuneOptions options, string label, CancellationToken cancellation)
    {
        var prepared = policy.FineTune.BatchNorm == BatchNormMode.Auto
            ? BatchNormReinsertion.Insert(graph.Model, CalibrationBatches(calibration, policy))
            : new BatchNormPreparation(graph.Model, Array.Empty<ReinsertedBatchNorm>());
        using var trainee = GraphExecutor.Create(prepared.Model);
        var trainer = new Trainer(options with { Epochs = method.TrainingEpochs, Segment = (0, 1) });
        using var session = method.BeginTraining(graph, trainee, new MethodTrainingGoal(target, constraints, trainer.TotalSteps(train)));
        var progress = new Progress<TrainingProgress>(p => _progress?.Report(new PipelineProgress("train-method",
            $"{label.Trim()} {method.Name} epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.RunningLoss:0.000}".TrimStart(), (double)p.CompletedSteps / p.TotalSteps)));
        var result = trainer.Train(trainee, train, teacher, progress, cancellation, session);
        var trained = BatchNormReinsertion.FoldBack(trainee.ToModel(), prepared.Inserted);
        return (DependencyGraph.Analyze(session.Finish(trained)), result);
    }

    /// <summary>
    /// The target of one step of an iterative run, expressed against the current model (a budget
    /// of what the current model has; for a ratio, the share of the current widths to keep).
    /// </summary>
    private static TargetPolicy StepTarget(TargetPolicy target, int step, int steps, CostModel original, DependencyGraph current)
    {
        if (steps == 1) return target;
        // A latency target is timed against the original model, so each step aims at its share of it.
        if (target.Kind == TargetKind.Latency) return target with { Fraction = KeptAfter(target.Fraction, step, steps) };
        if (target.Kind == TargetKind.Ratio)
            return target with { Fraction = KeptAfter(target.Fraction, step, steps) / KeptAfter(target.Fraction, step - 1, steps) };
        var fraction = KeptAfter(target.Fraction, step, steps) * Budget.ModelTotal(original, target.Kind) / Budget.ModelTotal(new CostModel(current), target.Kind);
        return target with { Fraction = Math.Clamp(fraction, 1e-9, 1) };
    }

    /// <summary>
    /// The share of the original kept after step k of n: the cubic schedule of gradual pruning,
    /// removed share = (1 − target)·(1 − (1 − k/n)³), which cuts most while the network is large
    /// and little at the end. An equal share per step (target^(k/n)) made the last cut the
    /// harshest relative to what was left: on lenet5 at 8% of MACs its loss jumped to 3.6 and
    /// the run ended at 77.6% against 82.4% one-shot.
    /// </summary>
    private static double KeptAfter(double target, int step, int steps) =>
        1 - (1 - target) * (1 - Math.Pow(1 - (double)step / steps, 3));

    /// <summary>
    /// The part of the fine-tuning run step <paramref name="step"/> of <paramref name="steps"/>
    /// trains: the steps before the last share the first quarter of the run equally (enough to
    /// recover before the next ranking), and the last step, which makes the model that ships,
    /// trains the other three quarters. Measured on lenet5 at 8.3% of MACs, l1, 2 epochs (one run
    /// each, run-to-run noise about 0.8 points): one-shot 81.28%; 4 steps with an equal share each
    /// ended worse than chance (training loss 2.5: the deepest cut got a few hundred steps at the
    /// tail of the schedule); first half / second half 76.23%; first quarter / last three quarters
    /// 81.72% (3 steps 82.09%, 2 steps 81.12%); first tenth 81.98%.
    /// </summary>
    private static (double From, double To) FineTuneShare(int step, int steps) =>
        steps == 1 ? (0, 1)
        : step == steps ? (EarlyStepsShare, 1)
        : (EarlyStepsShare * (step - 1) / (steps - 1), EarlyStepsShare * step / (steps - 1));

    /// <summary>The share of the fine-tuning run the steps before the last one train, together.</summary>
    private const double EarlyStepsShare = 0.25;

    /// <summary>What the report says of each group in a one-shot run: the plan's decision (and the widths measured fast, for roundTo auto).</summary>
    private static GroupReport[] GroupReports(DependencyGraph graph, PruningPlan plan, ChannelWidths? widths) =>
        graph.Groups.Select(g => new GroupReport(g.Id, g.Name, g.Producers, g.Size, plan.KeptIndices(g).Count, g.IsPrunable,
            g.IsPrunable ? plan.Decisions.TryGetValue(g.Id, out var d) ? d.Reason : "excluded by the policy" : string.Join("; ", g.FrozenReasons),
            widths?.FastWidths(g.Id))).ToArray();

    /// <summary>
    /// What the report says of each original group after an iterative run: its width in the
    /// written model (groups keep their names through surgery) and the last step's reason.
    /// </summary>
    private static GroupReport[] GroupReports(DependencyGraph original, DependencyGraph lastStep, PruningPlan lastPlan, DependencyGraph final, int steps)
    {
        var finalWidth = final.Groups.GroupBy(g => g.Name).ToDictionary(n => n.Key, n => n.First().Size, StringComparer.Ordinal);
        var lastReason = lastStep.Groups.Where(g => lastPlan.Decisions.ContainsKey(g.Id)).GroupBy(g => g.Name)
            .ToDictionary(n => n.Key, n => lastPlan.Decisions[n.First().Id].Reason, StringComparer.Ordinal);
        return original.Groups.Select(g => new GroupReport(g.Id, g.Name, g.Producers, g.Size, finalWidth.GetValueOrDefault(g.Name, g.Size), g.IsPrunable,
            !g.IsPrunable ? string.Join("; ", g.FrozenReasons)
            : lastReason.TryGetValue(g.Name, out var why) ? $"{why} (step {steps} of {steps})" : "excluded by the policy")).ToArray();
    }

    /// <summary>The mean loss of each epoch of the whole fine-tuning run, an epoch split between steps counted once (its last part).</summary>
    private static double[] EpochLosses(IEnumerable<TrainingResult> results) =>
        results.SelectMany(r => r.Epochs).GroupBy(e => e.Epoch).OrderBy(e => e.Key).Select(e => e.Last().MeanLoss).ToArray();

    /// <summary>The calibration subset: the same seeded draw the measurement pass uses.</summary>
    private static IEnumerable<Batch> CalibrationBatches(LabeledDataset data, PrunePolicy policy)
    {
        const int batchSize = 256;
        var samples = Math.Min(policy.Data.Calibration.Samples, data.Count);
        return new BatchStream(data, new BatchOptions(batchSize) { ShuffleSeed = policy.Seed }).Epoch()
            .Take((samples + batchSize - 1) / batchSize);
    }

    /// <summary>
    /// The policy's <c>constraints.allocation</c> with "auto" replaced by the method's preference. Only
    /// methods that rank channels (<see cref="IImportanceMethod"/>) leave the sharing of a budget to
    /// the engine; asking another for an allocation is refused.
    /// </summary>
    private static ConstraintsPolicy ResolveAllocation(IPruningMethod method, ConstraintsPolicy constraints, PrunePolicy policy)
    {
        if (method is IImportanceMethod ranking)
            return constraints.Allocation == LayerAllocation.Auto ? constraints with { Allocation = ranking.PreferredAllocation } : constraints;
        if (constraints.Allocation == LayerAllocation.Auto) return constraints;
        throw new InfoPruneException(Pruning.AllocationErrors.AllocationNeedsRanking,
            $"constraints.allocation: method '{method.Name}' decides each layer's width itself and does not rank channels, " +
            "so the budget cannot be shared out by the engine; remove constraints.allocation", policy.SourcePath);
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

    /// <summary>A warning when calibration.samples asks for more samples than its split holds (all of them are used).</summary>
    private static IEnumerable<Diagnostic> CalibrationShortfall(PrunePolicy policy, IPruningMethod method, DependencyGraph graph, LabeledDataset validation, LabeledDataset? train)
    {
        if (method.Measurement is null && method.Accumulators(graph).Count == 0) yield break; // a weights-only method runs no calibration pass
        var fromTrain = policy.Data.Calibration.From == CalibrationSource.Train && train != null;
        var data = fromTrain ? train! : validation;
        if (policy.Data.Calibration.Samples <= data.Count) yield break;
        yield return new Diagnostic(DataErrors.CalibrationLargerThanData,
            $"data.calibration.samples is {policy.Data.Calibration.Samples}, but the {(fromTrain ? "training" : "validation")} data holds only " +
            $"{data.Count} samples; all {data.Count} are used: lower calibration.samples or give more data",
            policy.SourcePath, Severity: Severity.Warning);
    }

    /// <summary>
    /// A warning when the plan keeps clearly more MACs or parameters than the target asks for: the
    /// run goes on (a smaller model is still better than none), but the user should know why the
    /// file is bigger than they asked.
    /// </summary>
    private static Diagnostic? TargetShortfall(CostModel cost, CostModel result, PrunePolicy policy)
    {
        if (policy.Target.Kind is TargetKind.Ratio or TargetKind.Latency or TargetKind.Auto) return null;
        var (kept, original, what) = (Budget.ModelTotal(result, policy.Target.Kind), Budget.ModelTotal(cost, policy.Target.Kind), Budget.Describe(policy.Target.Kind));
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
    private static Measurement.ActivationMeasurements? Measure(DependencyGraph graph, LabeledDataset data, PrunePolicy policy,
        Measurement.MeasurementOptions? counts, IReadOnlyList<Measurement.IBatchAccumulator> accumulators)
    {
        var batches = CalibrationBatches(data, policy);
        using var executor = GraphExecutor.Create(graph.Model);
        return Measurement.CalibrationPass.Run(executor, graph, batches, counts, accumulators);
    }

    /// <summary>The batch size a model exported without a dynamic batch axis accepts, if any.</summary>
    private static int? FixedBatch(OnnxModel model) =>
        model.Graph.Inputs.Count == 1 && model.Graph.Inputs[0].Shape is { Count: > 0 } shape && shape[0].Value is { } fixedSize ? (int)fixedSize : null;

    private static LabeledDataset Open(DatasetFiles files, DatasetOptions options, PrunePolicy policy)
    {
        try
        {
            return LabeledDataset.Open(files.Images, files.Labels, options with { ImagesArrayName = files.ImagesArray, LabelsArrayName = files.LabelsArray });
        }
        catch (InfoPruneException ex) when (ex.Diagnostics.Any(d => d.Code == DataErrors.BadPreprocessing))
        {
            // The preprocessing comes from the policy: its problems point at data.preprocess there.
            var at = policy.Data.Preprocess;
            throw new InfoPruneException(ex.Diagnostics.Select(d => d.Code != DataErrors.BadPreprocessing ? d
                : d with { File = policy.SourcePath, Line = at.Line, Column = at.Column, Message = $"data.preprocess: {d.Message} (for '{d.File}')" }).ToList(), ex);
        }
    }

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
