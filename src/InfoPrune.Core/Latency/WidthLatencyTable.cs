using System.Diagnostics;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Latency;

/// <summary>How ONNX Runtime is timed: the application's batch size and intra-op thread count (0 = ONNX Runtime's default).</summary>
public sealed record LatencySettings(int BatchSize, int Threads);

/// <summary>One group's measured cost per candidate width, at one batch size.</summary>
/// <param name="BatchSize">The batch the probes ran at.</param>
/// <param name="Milliseconds">Time of the group's probe per candidate width (the fastest of several warm runs).</param>
public sealed record WidthCosts(int BatchSize, IReadOnlyList<double> Milliseconds);

/// <summary>One group's width → latency table: candidate widths and their probe times at batch 1 and a larger batch.</summary>
public sealed record GroupWidthProfile(int GroupId, IReadOnlyList<int> Widths, IReadOnlyList<WidthCosts> Costs)
{
    /// <summary>
    /// Each width's cost relative to the group at full width, averaged over the measured batch
    /// sizes: a width that is fast at one batch size and slow at the other is judged on both.
    /// </summary>
    public double[] RelativeCost() =>
        Widths.Select((_, i) => Costs.Average(c => c.Milliseconds[i] / c.Milliseconds[^1])).ToArray();

    /// <summary>The widths and their times per batch size, as the rounding takes them.</summary>
    public WidthCost ToWidthCost() => new(Widths, Costs.Select(c => c.Milliseconds).ToArray());
}

/// <summary>
/// The measured width → latency table behind <c>"roundTo": "auto"</c>. For every prunable group
/// and each candidate width, a probe (<see cref="GroupProbe"/>: the group's layers cut out of the
/// model pruned to that width, every other group whole) is timed in ONNX Runtime with the
/// application's thread count, at batch 1 and at the application's batch size (scaled down for
/// groups so heavy that timing them there would take long; blocked kernels choose their path by
/// channel count, not by batch). Probes run in rounds that alternate their order, each timed run
/// right after an untimed one so its weights are in cache as in an application that runs the
/// model over and over; the fastest timed run counts, and a probe whose two fastest runs disagree
/// (a busy machine interrupted it) gets more rounds. Times are cached per machine, ONNX Runtime
/// version, thread count, batch and probe shape, so equal layers and later builds reuse them.
/// </summary>
public sealed class WidthLatencyTable
{
    /// <summary>Warning: a group's probes could not be built or timed, so its counts are not rounded.</summary>
    public static readonly ErrorCode GroupNotMeasured = ErrorCode.Input(563);

    /// <summary>Timed rounds per probe; the fastest counts.</summary>
    internal const int Rounds = 5;
    /// <summary>Rounds at most for a probe whose two fastest runs still disagree (a busy machine).</summary>
    internal const int MaxRounds = 15;
    /// <summary>Two fastest runs this close (relative) agree: the fastest is the probe's time, not luck.</summary>
    internal const double Agreement = 0.05;
    /// <summary>Candidate widths measured per group at most; wider groups are measured on a grid of this many steps.</summary>
    internal const int MaxCandidates = 128;
    /// <summary>Multiply-accumulates one probe run may cost before its batch is halved (≈ a millisecond on one core).</summary>
    internal const long WorkPerRun = 32_000_000;
    /// <summary>Sessions alive at once: bounds memory for wide layers.</summary>
    private const int SessionsAtOnce = 16;

    private WidthLatencyTable(IReadOnlyDictionary<int, GroupWidthProfile> profiles, IReadOnlyList<Diagnostic> warnings, int measured, int reused, double seconds)
    {
        Profiles = profiles;
        Warnings = warnings;
        ProbesMeasured = measured;
        ProbesReused = reused;
        Seconds = seconds;
    }

    public IReadOnlyDictionary<int, GroupWidthProfile> Profiles { get; }
    public IReadOnlyList<Diagnostic> Warnings { get; }
    /// <summary>Probe timings taken by this run.</summary>
    public int ProbesMeasured { get; }
    /// <summary>Probe timings found in the cache (or measured earlier in this run for an equal layer).</summary>
    public int ProbesReused { get; }
    public double Seconds { get; }

    /// <summary>The widths each measured group may be rounded up to.</summary>
    public ChannelWidths ChannelWidths() => Pruning.ChannelWidths.FromCosts(Profiles.ToDictionary(p => p.Key, p => p.Value.ToWidthCost()));

    /// <summary>The candidate widths of a group: every width from <paramref name="minimum"/> up, or an even grid for wide groups; the size is always last.</summary>
    internal static int[] Candidates(int size, int minimum)
    {
        minimum = Math.Clamp(minimum, 1, size);
        var step = (int)Math.Ceiling((size - minimum + 1) / (double)MaxCandidates);
        var widths = new SortedSet<int>();
        for (var w = minimum; w <= size; w += step) widths.Add(w);
        widths.Add(size);
        return widths.ToArray();
    }

    /// <summary>The batch a group's large-batch probes run at: the application's, halved while one run would cost more than <see cref="WorkPerRun"/>.</summary>
    internal static int ProbeBatch(int batchSize, long sampleMacs)
    {
        var batch = Math.Max(1, batchSize);
        while (batch > 1 && sampleMacs * batch > WorkPerRun) batch = (batch + 1) / 2;
        return batch;
    }

    /// <summary>Measures (or reads from <paramref name="cache"/>) the table for <paramref name="groups"/>.</summary>
    /// <param name="graph">The analyzed model; probes are cut from it.</param>
    /// <param name="groups">The groups a plan may prune.</param>
    /// <param name="settings">The application's batch size and threads.</param>
    /// <param name="cache">Probe times from earlier runs; new ones are added (the caller saves).</param>
    /// <param name="cancellation">Stops between groups and chunks of probes.</param>
    /// <param name="minimumWidth">The smallest width each group may keep (the constraints'); narrower ones are not measured.</param>
    public static WidthLatencyTable Measure(DependencyGraph graph, IEnumerable<ChannelGroup> groups, Func<ChannelGroup, int> minimumWidth,
        LatencySettings settings, LatencyCache cache, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var profiles = new Dictionary<int, GroupWidthProfile>();
        var warnings = new List<Diagnostic>();
        int measured = 0, reused = 0;
        foreach (var group in groups)
        {
            cancellation.ThrowIfCancellationRequested();
            var widths = Candidates(group.Size, minimumWidth(group));
            if (widths.Length < 2) continue;
            var batches = new[] { 1, ProbeBatch(settings.BatchSize, GroupProbe.SampleMacs(graph, group)) }.Distinct().ToArray();
            try
            {
                var costs = new List<WidthCosts>();
                foreach (var batch in batches)
                {
                    var (times, newly) = MeasureGroup(graph, group, widths, batch, settings.Threads, cache, cancellation);
                    measured += newly;
                    reused += widths.Length - newly;
                    costs.Add(new WidthCosts(batch, times));
                }
                profiles[group.Id] = new GroupWidthProfile(group.Id, widths, costs);
            }
            catch (Exception ex) when (ex is InfoPruneException or InvalidOperationException or ArgumentException)
            {
                var why = ex is InfoPruneException known ? known.Diagnostics[0].Message : ex.Message;
                warnings.Add(new Diagnostic(GroupNotMeasured,
                    $"the channel widths of {group.Name} could not be timed ({why}); its kept count is not rounded to a measured width",
                    graph.Model.SourcePath, Severity: Severity.Warning));
            }
        }
        return new WidthLatencyTable(profiles, warnings, measured, reused, clock.Elapsed.TotalSeconds);
    }

    private static bool Settled(List<double> runs)
    {
        var sorted = runs.Order().Take(2).ToArray();
        return sorted.Length == 2 && sorted[1] <= sorted[0] * (1 + Agreement);
    }

    private static (double[] Times, int Measured) MeasureGroup(DependencyGraph graph, ChannelGroup group, int[] widths, int batch, int threads,
        LatencyCache cache, CancellationToken cancellation)
    {
        var times = new double[widths.Length];
        var keys = new string[widths.Length];
        var pending = new List<(int Index, GroupProbe Probe)>();
        for (var i = 0; i < widths.Length; i++)
        {
            var probe = GroupProbe.Build(graph, group, widths[i], batch);
            keys[i] = $"t{threads}/b{batch}/{probe.Signature}";
            if (cache.TryGet(keys[i], out var known)) times[i] = known;
            // An equal probe already waiting (same shapes) is timed once.
            else if (pending.All(p => keys[p.Index] != keys[i])) pending.Add((i, probe));
        }
        var measured = pending.Count;
        foreach (var chunk in pending.Chunk(SessionsAtOnce))
        {
            cancellation.ThrowIfCancellationRequested();
            var sessions = new List<TimedSession>();
            try
            {
                foreach (var (_, probe) in chunk) sessions.Add(new TimedSession(probe.Bytes, probe.Inputs, threads));
                var runs = sessions.Select(_ => new List<double>()).ToArray();
                foreach (var session in sessions) session.RunMilliseconds();
                for (var round = 0; round < MaxRounds; round++)
                {
                    // After the first rounds, only probes whose two fastest runs disagree go on.
                    var unsettled = Enumerable.Range(0, sessions.Count).Where(k => round < Rounds || !Settled(runs[k])).ToList();
                    if (unsettled.Count == 0) break;
                    // Alternate the order, so no probe always follows the same neighbour.
                    if (round % 2 == 1) unsettled.Reverse();
                    foreach (var k in unsettled)
                    {
                        sessions[k].RunMilliseconds(); // brings the probe's weights into cache
                        runs[k].Add(sessions[k].RunMilliseconds());
                    }
                }
                for (var k = 0; k < chunk.Length; k++) cache.Set(keys[chunk[k].Index], runs[k].Min());
            }
            finally
            {
                foreach (var session in sessions) session.Dispose();
            }
        }
        for (var i = 0; i < widths.Length; i++)
            if (times[i] == 0) cache.TryGet(keys[i], out times[i]);
        return (times, measured);
    }
}
