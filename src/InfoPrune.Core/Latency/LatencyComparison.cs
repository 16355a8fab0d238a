using System.Diagnostics;

namespace InfoPrune.Core.Latency;

/// <summary>The original and the pruned model timed at one batch size in the same process, interleaved.</summary>
/// <param name="BatchSize">Samples per run.</param>
/// <param name="Original">The original's time per run, in milliseconds.</param>
/// <param name="Pruned">The pruned model's time per run, in milliseconds.</param>
/// <param name="Ratio">Pruned over original, one value per round (two adjacent blocks of runs), so drift in the machine's speed cancels.</param>
public sealed record BatchLatency(int BatchSize, LatencyStatistics Original, LatencyStatistics Pruned, LatencyStatistics Ratio)
{
    /// <summary>
    /// The pruned model is slower beyond the measurement's spread: it lost to the original in at
    /// least three rounds of four (the lower quartile of the per-round ratio is above 1).
    /// </summary>
    public bool PrunedIsSlower => Ratio.LowerQuartile > 1;

    /// <summary>
    /// The pruned model's fastest run over the original's: what each runs at when the machine
    /// leaves it alone, so a busy machine moves it least (the plan search compares candidates by it).
    /// </summary>
    public double FastestRatio { get; init; } = double.NaN;
}

/// <summary>
/// Times two models against each other the way an application runs one: sessions with its thread
/// count, created once and warmed up; then rounds of one block of runs per model, the order
/// alternating (A B, B A, …) so a change in the machine's load falls on both. A block is a few
/// milliseconds of runs (at least three, so its median shrugs off one interrupted run), after an
/// untimed run when runs are short, so each block measures the model with its own weights in
/// cache, as an application that runs it repeatedly sees it. Runs continue until both a minimum
/// number of rounds and a time budget are spent.
/// </summary>
public static class LatencyComparison
{
    /// <summary>Rounds at least, however long the budget.</summary>
    internal const int MinRounds = 10;
    /// <summary>Runs per block at least: the block's median shrugs off one run the machine interrupted.</summary>
    internal const int MinRunsPerBlock = 3;
    /// <summary>Rounds at most, however short the runs.</summary>
    internal const int MaxRounds = 400;

    /// <summary>Times <paramref name="original"/> against <paramref name="pruned"/> at <paramref name="batch"/> samples of <paramref name="sampleShape"/>.</summary>
    /// <param name="original">The original model's bytes.</param>
    /// <param name="pruned">The pruned model's bytes.</param>
    /// <param name="inputName">The input both models are fed (zeros).</param>
    /// <param name="sampleShape">One sample's shape, without the batch axis.</param>
    /// <param name="batch">Samples per run.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (0 = its default).</param>
    /// <param name="cancellation">Stops between rounds.</param>
    /// <param name="budget">Time to spend at least (after warm-up); a model so slow that <see cref="MinRounds"/> rounds take over four budgets stops at half as many.</param>
    /// <param name="minRounds">Rounds at least (default <see cref="MinRounds"/>).</param>
    public static BatchLatency Measure(byte[] original, byte[] pruned, string inputName, IReadOnlyList<long> sampleShape, int batch, int threads,
        TimeSpan budget, CancellationToken cancellation = default, int minRounds = MinRounds)
    {
        var shape = new[] { (long)batch }.Concat(sampleShape).ToArray();
        var inputs = new[] { (inputName, shape) };
        using var a = new TimedSession(original, inputs, threads);
        using var b = new TimedSession(pruned, inputs, threads);

        // Warm-up: first runs allocate and plan; a few more settle caches and clocks.
        var warmup = Stopwatch.StartNew();
        var warm = new List<double>();
        for (var i = 0; i < 3 || warmup.Elapsed < TimeSpan.FromMilliseconds(Math.Min(300, budget.TotalMilliseconds / 5)); i++)
        {
            warm.Add(a.RunMilliseconds());
            warm.Add(b.RunMilliseconds());
            if (i >= 50) break;
        }
        var typical = LatencyStatistics.Of(warm).Median;
        var primed = typical < 5; // long runs stream their weights anyway; a priming run would only double the cost
        // Blocks of a few milliseconds: long enough for a stable median, short enough to interleave often.
        var perBlock = Math.Clamp((int)Math.Ceiling(5.0 / Math.Max(typical, 1e-3)), MinRunsPerBlock, 64);

        var originalTimes = new List<double>();
        var prunedTimes = new List<double>();
        var ratios = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < MaxRounds; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            double blockA, blockB;
            if (round % 2 == 0)
            {
                blockA = Block(a, perBlock, primed, originalTimes);
                blockB = Block(b, perBlock, primed, prunedTimes);
            }
            else
            {
                blockB = Block(b, perBlock, primed, prunedTimes);
                blockA = Block(a, perBlock, primed, originalTimes);
            }
            ratios.Add(blockB / blockA);
            var rounds = round + 1;
            if ((rounds >= minRounds && clock.Elapsed >= budget) || (rounds >= minRounds / 2 && clock.Elapsed >= 4 * budget)) break;
        }
        return new BatchLatency(batch, LatencyStatistics.Of(originalTimes), LatencyStatistics.Of(prunedTimes), LatencyStatistics.Of(ratios))
        {
            FastestRatio = prunedTimes.Min() / originalTimes.Min(),
        };
    }

    /// <summary>Runs one block and returns its median.</summary>
    private static double Block(TimedSession session, int runs, bool primed, List<double> into)
    {
        if (primed) session.RunMilliseconds();
        var block = new double[runs];
        for (var i = 0; i < runs; i++) block[i] = session.RunMilliseconds();
        into.AddRange(block);
        return LatencyStatistics.Of(block).Median;
    }
}
