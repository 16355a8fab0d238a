using System.Globalization;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Latency;

/// <summary>
/// Everything a prune run does about ONNX Runtime latency, in the pieces the pipeline calls at its
/// steps: the measured widths for <c>"roundTo": "auto"</c> (before planning), the plan search for
/// <c>target.latency</c> (planning), and the final original-against-pruned timing with its
/// per-layer breakdown, warnings and gate (validation). Codes IP0560–IP0569 and IP1003.
/// </summary>
public sealed class LatencyStep
{
    /// <summary>Warning: the pruned model is slower than the original at a timed batch size, beyond the spread.</summary>
    public static readonly ErrorCode PrunedIsSlower = ErrorCode.Input(560);
    /// <summary>target.latency or gate.maxLatencyRatio needs timing, but the run skips it (--no-latency).</summary>
    public static readonly ErrorCode NeedsTiming = ErrorCode.Input(561);
    /// <summary>Warning: no plan tried met target.latency; the fastest one is used.</summary>
    public static readonly ErrorCode LatencyTargetNotReached = ErrorCode.Input(562);
    /// <summary>Gate: the pruned/original latency ratio is above gate.maxLatencyRatio.</summary>
    public static readonly ErrorCode LatencyAboveGate = ErrorCode.Gate(1003);

    /// <summary>Time spent per batch size on the final timing, at least.</summary>
    internal static readonly TimeSpan FinalBudget = TimeSpan.FromSeconds(1.5);
    /// <summary>Time spent timing each candidate plan of a latency target.</summary>
    internal static readonly TimeSpan SearchBudget = TimeSpan.FromSeconds(0.6);

    private readonly PrunePolicy _policy;
    private readonly byte[] _originalBytes;
    private readonly string _inputName;
    private readonly long[] _sampleShape;
    private readonly string _modelPath;
    private readonly LatencyCache _cache;
    private readonly List<Diagnostic> _warnings = new();
    private WidthTableReport? _widths;
    private LatencySearchReport? _search;

    /// <param name="policy">The run's policy (target, gate, latency settings).</param>
    /// <param name="model">The original model (its input name and batch axis).</param>
    /// <param name="originalBytes">The original model's bytes, timed against each candidate.</param>
    /// <param name="modelPath">Where warnings and gate failures point.</param>
    /// <param name="enabled">False for runs that skip timing (--no-latency): then nothing here measures, and a policy that needs timing is refused.</param>
    /// <param name="runThreads">The run's thread count, used when the policy's latency.threads is not set.</param>
    /// <param name="sampleShape">One input sample's shape (without the batch axis).</param>
    /// <param name="cacheFolder">Where measured widths are kept between runs (default: <see cref="LatencyCache.DefaultFolder"/>).</param>
    public LatencyStep(PrunePolicy policy, bool enabled, int runThreads, OnnxModel model, byte[] originalBytes, IReadOnlyList<long> sampleShape,
        string modelPath, string? cacheFolder = null)
    {
        _policy = policy;
        Enabled = enabled;
        _originalBytes = originalBytes;
        _inputName = model.Graph.Inputs.Count > 0 ? model.Graph.Inputs[0].Name : "input";
        _sampleShape = sampleShape.ToArray();
        _modelPath = modelPath;
        if (!enabled)
        {
            var needs = new List<string>();
            if (policy.Target.Kind == TargetKind.Latency) needs.Add("target.latency");
            if (policy.Gate.MaxLatencyRatio != null) needs.Add("gate.maxLatencyRatio");
            if (needs.Count > 0)
                throw new InfoPruneException(NeedsTiming,
                    $"{string.Join(" and ", needs)} need{(needs.Count == 1 ? "s" : "")} ONNX Runtime timing, which this run skips (--no-latency); drop --no-latency or the latency settings from the policy",
                    policy.SourcePath);
        }
        // A model exported with a fixed batch runs only at that batch.
        var fixedBatch = model.Graph.Inputs.Count > 0 && model.Graph.Inputs[0].Shape is { Count: > 0 } shape && shape[0].Value is { } n ? (int)n : (int?)null;
        Settings = new LatencySettings(fixedBatch ?? policy.Latency.BatchSize, policy.Latency.Threads ?? runThreads);
        BatchSizes = fixedBatch is { } only ? [only] : new[] { 1, Settings.BatchSize }.Distinct().ToArray();
        _cache = enabled ? LatencyCache.Open(MachineIdentity.Current, cacheFolder) : LatencyCache.InMemory();
    }

    public bool Enabled { get; }
    public LatencySettings Settings { get; }
    /// <summary>The batch sizes timed: 1 and the application's (only the fixed one for a model exported with a fixed batch).</summary>
    public IReadOnlyList<int> BatchSizes { get; }
    /// <summary>Warnings found so far (width probes that failed, a target not reached, a slower model).</summary>
    public IReadOnlyList<Diagnostic> Warnings => _warnings;

    /// <summary>
    /// The constraints to plan with: for <c>"roundTo": "auto"</c>, with the widths measured fast for
    /// each candidate group of <paramref name="graph"/> (group ids are the graph's, so a re-analyzed
    /// graph needs its own call; the cache makes that cheap).
    /// </summary>
    public ConstraintsPolicy MeasureWidths(DependencyGraph graph, ConstraintsPolicy constraints, CancellationToken cancellation = default)
    {
        if (!Enabled || !constraints.RoundsToMeasuredWidths) return constraints;
        var groups = graph.PrunableGroups.Where(g => !constraints.Excludes(g.Producers)).ToList();
        var table = WidthLatencyTable.Measure(graph, groups, g => constraints.MinimumKept(g), Settings, _cache, cancellation);
        _cache.Save(MachineIdentity.Current);
        _warnings.AddRange(table.Warnings);
        _widths = new WidthTableReport(table.Profiles.Count, table.ProbesMeasured, table.ProbesReused, Math.Round(table.Seconds, 3), _cache.FilePath);
        return constraints with { MeasuredWidths = table.ChannelWidths() };
    }

    /// <summary>
    /// The plan for the policy's target: <paramref name="planFor"/> itself for ratio, MACs and
    /// parameter targets; for a latency target, the search over MACs fractions, timing each candidate.
    /// </summary>
    public PruningPlan Plan(DependencyGraph graph, TargetPolicy target, Func<TargetPolicy, PruningPlan> planFor, CancellationToken cancellation = default)
    {
        if (target.Kind != TargetKind.Latency) return planFor(target);
        var result = LatencyTargetSearch.Find(target.Fraction,
            macs => planFor(new TargetPolicy(TargetKind.Macs, macs)),
            plan => LatencyComparison.Measure(_originalBytes, Surgery.Apply(graph, plan).ToBytes(), _inputName, _sampleShape,
                Settings.BatchSize, Settings.Threads, SearchBudget, cancellation, minRounds: 6).FastestRatio,
            plan => string.Join(",", graph.Groups.Select(g => plan.KeptIndices(g).Count)),
            cancellation);
        _search = result.Report;
        if (!result.Reached)
            _warnings.Add(new Diagnostic(LatencyTargetNotReached,
                $"target.latency {Format(target.Fraction)} was not reached: the fastest plan tried runs at {Format(result.LatencyRatio)} of the original's time " +
                $"(batch {Settings.BatchSize}, keeping {Format(result.MacsFraction)} of the MACs); the constraints leave too little to remove, or this machine's kernels do not get faster below it",
                _policy.SourcePath, Severity: Severity.Warning));
        return result.Plan;
    }

    /// <summary>
    /// Times the original against <paramref name="prunedBytes"/> at each batch size, breaks the time
    /// down by layer at the application's batch size, and warns for every batch size where the pruned
    /// model is slower beyond the spread.
    /// </summary>
    public LatencyReport Compare(DependencyGraph graph, byte[] prunedBytes, CancellationToken cancellation = default)
    {
        var batches = BatchSizes.Select(b => LatencyComparison.Measure(_originalBytes, prunedBytes, _inputName, _sampleShape, b, Settings.Threads,
            FinalBudget, cancellation)).ToArray();
        cancellation.ThrowIfCancellationRequested();
        var layers = LayerLatencyBreakdown.Measure(graph, _originalBytes, prunedBytes, _inputName, _sampleShape, Settings.BatchSize, Settings.Threads);
        _warnings.AddRange(SlowerWarnings(batches, Settings.Threads, _modelPath));
        return new LatencyReport(Settings.BatchSize, Settings.Threads, MachineIdentity.Current.Description, batches, layers, _widths, _search);
    }

    /// <summary>One warning (<see cref="PrunedIsSlower"/>) per batch size where the pruned model is slower beyond the spread.</summary>
    public static IEnumerable<Diagnostic> SlowerWarnings(IEnumerable<BatchLatency> batches, int threads, string? location) =>
        batches.Where(b => b.PrunedIsSlower).Select(slower => new Diagnostic(PrunedIsSlower,
            $"the pruned model is slower than the original at batch {slower.BatchSize}: {Ms(slower.Pruned.Median)} against {Ms(slower.Original.Median)} " +
            $"(median; {Format(slower.Ratio.Median)} of the original's time, interquartile range {Format(slower.Ratio.LowerQuartile)}–{Format(slower.Ratio.UpperQuartile)} " +
            $"over {slower.Ratio.Samples} interleaved rounds, {ThreadsText(threads)}); " +
            "channel counts that ONNX Runtime's kernels do not block well run on slower paths: use \"roundTo\": \"auto\" or a target.latency",
            location, Severity: Severity.Warning));

    /// <summary>The gate's latency check: a failure when the ratio at the application's batch size is above gate.maxLatencyRatio.</summary>
    public IReadOnlyList<Diagnostic> GateFailures(LatencyReport? report)
    {
        if (_policy.Gate.MaxLatencyRatio is not { } limit || report == null) return [];
        var atBatch = report.Batches.FirstOrDefault(b => b.BatchSize == report.BatchSize) ?? report.Batches[^1];
        if (atBatch.Ratio.Median <= limit) return [];
        return [new Diagnostic(LatencyAboveGate,
            $"pruned model takes {Format(atBatch.Ratio.Median)} of the original's time at batch {atBatch.BatchSize} " +
            $"({Ms(atBatch.Pruned.Median)} against {Ms(atBatch.Original.Median)}, interquartile range of the ratio {Format(atBatch.Ratio.LowerQuartile)}–{Format(atBatch.Ratio.UpperQuartile)}); " +
            $"the gate's maxLatencyRatio is {Format(limit)}", _modelPath)];
    }

    private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Ms(double v) => v.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
    private static string ThreadsText(int threads) => threads == 0 ? "ONNX Runtime's default threads" : threads == 1 ? "1 thread" : $"{threads} threads";
}
