using System.Diagnostics;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Validation;
using TorchSharp;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>Progress of an analysis: the layer being ablated and how far through all evaluations.</summary>
public sealed record NeuronAnalysisProgress(string Step, string Message, double? Fraction = null);

/// <summary>
/// The neuron-importance paper's analysis (Section 5) for any model the engine can analyse:
/// one calibration pass scores every unit of every prunable layer by each measure; then, layer by
/// layer, units are ablated cumulatively — lowest score first, highest first, and in random
/// orders — to zero and with bias balancing, and the accuracy after each step is measured.
/// A measure is adequate when its low-first curve stays above the random ones.
/// </summary>
public static class NeuronAnalysis
{
    /// <summary>The data is too small, or has no samples, for the analysis.</summary>
    public static readonly ErrorCode NoSamples = ErrorCode.Input(650);

    /// <summary>The model has no layer whose units can be measured and ablated.</summary>
    public static readonly ErrorCode NothingToAnalyse = ErrorCode.Input(651);

    /// <summary>A layer selector matches no layer that can be analysed.</summary>
    public static readonly ErrorCode UnknownLayer = ErrorCode.Input(652);

    /// <summary>Runs the analysis of <paramref name="model"/> on <paramref name="data"/> (labelled, shaped to the model's input).</summary>
    public static NeuronAnalysisResult Run(OnnxModel model, IBatchSource data, NeuronAnalysisOptions? options = null,
        IProgress<NeuronAnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuronAnalysisOptions();
        options.Validate();
        var total = Stopwatch.StartNew();
        var notes = new List<string>();

        progress?.Report(new NeuronAnalysisProgress("analyze", "building channel groups"));
        var graph = DependencyGraph.Analyze(model);
        var (calibration, evaluation, overlap) = SampleSet.Split(data, options.CalibrationSamples, options.EvaluationSamples, options.BatchSize);
        if (calibration.Count == 0 || evaluation.Count == 0)
            throw new InfoPruneException(NoSamples, "the data has no samples to measure and evaluate on", model.SourcePath);
        if (overlap)
            notes.Add($"the data has fewer than {options.CalibrationSamples + options.EvaluationSamples} samples, so accuracy is measured on the first {evaluation.Count}, which overlap the {calibration.Count} calibration samples");

        // Checked before the calibration pass, so a mistyped layer name costs no measuring time.
        var selected = SelectLayers(graph.PrunableGroups.ToList(), options.Layers, model.SourcePath);
        using var executor = GraphExecutor.Create(graph.Model);
        var measureClock = Stopwatch.StartNew();
        progress?.Report(new NeuronAnalysisProgress("measure", $"measuring units on {calibration.Count} calibration samples"));
        var measurements = CalibrationPass.Run(executor, graph, calibration.Batches(options.BatchSize), options.Measurement);
        var measures = options.Measures.Distinct().ToList();
        if (measures.Contains(NeuronMeasure.JsSeparation) && measurements.ClassCount > InformationMeasures.MaxClassesForSubsetSeparation)
        {
            measures.Remove(NeuronMeasure.JsSeparation);
            notes.Add($"JS separation was skipped: its 2^C class subsets are too many for C = {measurements.ClassCount}");
        }
        measureClock.Stop();
        cancellation.ThrowIfCancellationRequested();

        var layerGroups = selected.Where(g => measurements.Groups.ContainsKey(g.Id)).ToList();
        if (layerGroups.Count == 0)
            throw new InfoPruneException(NothingToAnalyse, "the model has no prunable layer whose units can be measured", model.SourcePath);
        foreach (var frozen in graph.Groups.Where(g => !g.IsPrunable && g.Size > 1))
            notes.Add($"{frozen.Name} is not analysed: {string.Join("; ", frozen.FrozenReasons)}");

        var steps = StepCounts(layerGroups.Max(g => g.Size), options.Steps).Count;
        var perLayer = (measures.Count * 2 + options.RandomSeeds) * 2 * (steps - 1);
        var planned = Math.Max(1, perLayer * layerGroups.Count);
        var evaluations = 0;
        var ablationClock = Stopwatch.StartNew();
        var layers = new List<LayerAnalysis>();
        double? originalAccuracy = null;
        foreach (var (group, index) in layerGroups.Select((g, i) => (g, i)))
        {
            cancellation.ThrowIfCancellationRequested();
            var measurement = measurements.Groups[group.Id];
            var scores = measures.ToDictionary(m => m, m => measurement.Scores(m));
            var units = UnitRecords(measurement.Probe, group.Size, scores, measurements.MeanActivations);
            var distributions = measures.ToDictionary(m => AblationOrdering.MeasureName(m), m => MeasureDistribution.Of(scores[m]));
            var orderings = measures.SelectMany(m => new[]
                {
                    AblationOrdering.ByMeasure(m, scores[m], AblationDirection.LowFirst),
                    AblationOrdering.ByMeasure(m, scores[m], AblationDirection.HighFirst),
                })
                .Concat(Enumerable.Range(1, options.RandomSeeds).Select(s => AblationOrdering.Random(group.Size, s, options.Seed + 1000 * index + s)))
                .ToList();

            var curves = new List<AblationCurve>();
            string? note = null;
            using (var ablator = LayerAblator.Create(executor, graph, group, measurements.MeanActivations, evaluation, options.BatchSize))
            {
                if (ablator == null) note = "no layer reads these units through a weight, so they cannot be ablated";
                else
                {
                    if (!ablator.CanBalance) note = "bias balancing is not possible here (a consumer without a bias input, or no measured means)";
                    var counts = StepCounts(group.Size, options.Steps);
                    var untouched = ablator.Accuracy(Array.Empty<int>(), false);
                    originalAccuracy ??= untouched;
                    foreach (var balanced in ablator.CanBalance ? new[] { false, true } : new[] { false })
                    {
                        // Every ordering ablates the same set at 100%, so that point is measured once.
                        double? everything = null;
                        foreach (var ordering in orderings)
                        {
                            var points = new List<AblationPoint>(counts.Count);
                            foreach (var k in counts)
                            {
                                double accuracy;
                                if (k == 0) accuracy = untouched;
                                else if (k == group.Size && everything is { } all) accuracy = all;
                                else
                                {
                                    accuracy = ablator.Accuracy(ordering.Units.Take(k).ToArray(), balanced);
                                    if (k == group.Size) everything = accuracy;
                                    evaluations++;
                                }
                                points.Add(new AblationPoint(k, (double)k / group.Size, accuracy));
                            }
                            curves.Add(new AblationCurve(group.Id, ordering.Name, balanced, points));
                            progress?.Report(new NeuronAnalysisProgress("ablate",
                                $"{group.Name}: {ordering.Name}{(balanced ? " (balanced)" : "")}", Math.Min(1.0, (double)evaluations / planned)));
                            cancellation.ThrowIfCancellationRequested();
                        }
                    }
                }
            }
            layers.Add(new LayerAnalysis(group.Id, group.Name, measurement.Probe.Value, measurement.Probe.Activation,
                units, distributions, orderings, curves, LayerAblationSummary.Of(curves, 1.0), LayerAblationSummary.Of(curves, 0.5), note));
        }
        ablationClock.Stop();

        return new NeuronAnalysisResult
        {
            Model = model.SourcePath,
            CalibrationSamples = calibration.Count,
            EvaluationSamples = evaluation.Count,
            SamplesOverlap = overlap,
            Classes = measurements.ClassCount,
            OriginalAccuracy = originalAccuracy ?? FullModelAccuracy(executor, evaluation, options.BatchSize),
            Measures = measures.Select(AblationOrdering.MeasureName).ToArray(),
            Quantizer = options.Measurement.Quantizer switch
            {
                { Bins: { } bins } q => $"{bins} {(q.Binning == Methods.Information.Binning.EqualFrequency ? "equal-frequency" : "equal-width")} bins",
                { Threshold: { } threshold } => $"one bit at {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                _ => "one bit at the activation's threshold",
            },
            Steps = options.Steps,
            RandomSeeds = options.RandomSeeds,
            Layers = layers,
            Timings = new AnalysisTimings(Math.Round(measureClock.Elapsed.TotalSeconds, 3), Math.Round(ablationClock.Elapsed.TotalSeconds, 3),
                Math.Round(total.Elapsed.TotalSeconds, 3), evaluations),
            Notes = notes,
        };
    }

    /// <summary>
    /// The prunable groups with a producer the selectors pick (all when there are none). Every selector that picks
    /// nothing is reported at once, with the names that would have matched.
    /// </summary>
    private static List<ChannelGroup> SelectLayers(List<ChannelGroup> analysable, IReadOnlyList<NodeSelector> selectors, string? modelPath)
    {
        if (selectors.Count == 0) return analysable;
        var unmatched = selectors.Where(s => !analysable.Any(g => g.Producers.Any(s.Matches))).ToList();
        if (unmatched.Count > 0)
        {
            var names = string.Join(", ", analysable.Select(g => g.Name));
            throw new InfoPruneException(unmatched.Select(s => new Diagnostic(UnknownLayer,
                $"layer '{s}' matches no layer that can be analysed (these can: {names})", modelPath)).ToList());
        }
        return analysable.Where(g => g.Producers.Any(p => selectors.Any(s => s.Matches(p)))).ToList();
    }

    /// <summary>Units ablated at each point: evenly spaced fractions of the layer, rounded, without repeats.</summary>
    public static IReadOnlyList<int> StepCounts(int units, int steps) =>
        Enumerable.Range(0, steps).Select(i => (int)Math.Round((double)i * units / (steps - 1), MidpointRounding.AwayFromZero)).Distinct().ToArray();

    private static IReadOnlyList<UnitRecord> UnitRecords(UnitProbe probe, int size, IReadOnlyDictionary<NeuronMeasure, double[]> scores,
        IReadOnlyDictionary<string, float[]> means)
    {
        means.TryGetValue(probe.Value, out var entryMeans);
        return Enumerable.Range(0, size).Select(u =>
        {
            var mean = double.NaN;
            if (entryMeans != null)
            {
                // A unit behind a Flatten owns a block of entries (its H·W map); its mean is theirs.
                var start = probe.EntryOffset + u * probe.Block;
                if (start + probe.Block <= entryMeans.Length)
                    mean = Enumerable.Range(0, (int)probe.Block).Average(k => entryMeans[start + k]);
            }
            return new UnitRecord(u, scores.ToDictionary(s => AblationOrdering.MeasureName(s.Key), s => s.Value[u]), mean);
        }).ToArray();
    }

    private static double FullModelAccuracy(GraphExecutor executor, SampleSet evaluation, int batchSize)
    {
        using var noGrad = torch.no_grad();
        long correct = 0;
        foreach (var batch in evaluation.Batches(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var logits = executor.Forward(torch.tensor(batch.Images, batch.Shape));
            var predicted = logits.reshape(batch.Count, -1).argmax(1).cpu().data<long>().ToArray();
            for (var i = 0; i < batch.Count; i++) if (predicted[i] == batch.Labels[i]) correct++;
        }
        return (double)correct / evaluation.Count;
    }
}
