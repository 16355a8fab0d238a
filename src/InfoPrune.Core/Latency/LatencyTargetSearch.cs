using InfoPrune.Core.Pruning;
using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Latency;

/// <summary>
/// Finds a plan for <c>target.latency</c>: latency is not a sum over channels that a selector
/// could budget exactly (kernels pad, fuse and switch paths), so candidate plans are made for a
/// MACs fraction and timed. The first guess keeps as much of the MACs as of the latency; each
/// next guess scales by how far the measured ratio was off, or interpolates between the best
/// plans on either side of the target. The plan kept is the one with the most MACs whose
/// measured ratio meets the target.
/// </summary>
internal static class LatencyTargetSearch
{
    /// <summary>Plans timed at most.</summary>
    internal const int MaxSteps = 6;
    /// <summary>A feasible plan this close under the target is good enough.</summary>
    internal const double CloseEnough = 0.03;
    /// <summary>Aim a little under the target, so the final timing (new noise) lands under it too.</summary>
    private const double Aim = 0.01;

    public sealed record Result(PruningPlan Plan, double MacsFraction, double LatencyRatio, bool Reached, LatencySearchReport Report);

    /// <param name="target">The latency fraction to keep.</param>
    /// <param name="planForMacs">The plan that keeps a MACs fraction (the policy's method, constraints and rounding).</param>
    /// <param name="measuredRatio">Pruned/original latency of a plan, timed (the fastest runs' ratio: candidates are compared, so what moves least with the machine's load).</param>
    /// <param name="keptCounts">Identifies plans that keep the same widths, so they are timed once.</param>
    /// <param name="cancellation">Stops between candidates.</param>
    public static Result Find(double target, Func<double, PruningPlan> planForMacs, Func<PruningPlan, double> measuredRatio,
        Func<PruningPlan, string> keptCounts, CancellationToken cancellation = default)
    {
        var tried = new List<(double Macs, double Ratio, PruningPlan Plan)>();
        var timed = new Dictionary<string, double>(StringComparer.Ordinal);
        var macs = Math.Clamp(target, 0.01, 1);
        for (var step = 0; step < MaxSteps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            var plan = planForMacs(macs);
            var key = keptCounts(plan);
            if (!timed.TryGetValue(key, out var ratio)) timed[key] = ratio = measuredRatio(plan);
            tried.Add((macs, ratio, plan));

            var feasible = tried.Where(t => t.Ratio <= target).ToList();
            var infeasible = tried.Where(t => t.Ratio > target).ToList();
            if (feasible.Count > 0 && feasible.MaxBy(t => t.Macs).Ratio >= target - CloseEnough) break;
            var next = Next(target - Aim, feasible.Count > 0 ? feasible.MaxBy(t => t.Macs) : null, infeasible.Count > 0 ? infeasible.MinBy(t => t.Macs) : null);
            if (next is not { } n || tried.Any(t => Math.Abs(t.Macs - n) < 0.005)) break;
            macs = n;
        }

        var reached = tried.Where(t => t.Ratio <= target).ToList();
        var chosen = reached.Count > 0 ? reached.MaxBy(t => t.Macs) : tried.MinBy(t => t.Ratio);
        var report = new LatencySearchReport(target, tried.Select(t => new LatencySearchStep(Math.Round(t.Macs, 4), Math.Round(t.Ratio, 4))).ToArray(), Math.Round(chosen.Macs, 4));
        return new Result(chosen.Plan, chosen.Macs, chosen.Ratio, reached.Count > 0, report);
    }

    /// <summary>The next MACs fraction to try, or null when the bracket is already tight.</summary>
    private static double? Next(double aim, (double Macs, double Ratio, PruningPlan Plan)? below, (double Macs, double Ratio, PruningPlan Plan)? above)
    {
        if (below is { } b && above is { } a)
        {
            if (a.Macs - b.Macs < 0.01) return null;
            var t = (aim - b.Ratio) / Math.Max(a.Ratio - b.Ratio, 1e-9);
            return b.Macs + Math.Clamp(t, 0.2, 0.8) * (a.Macs - b.Macs);
        }
        if (above is { } over)
            return Math.Clamp(over.Macs * Math.Min(aim / over.Ratio, 0.9), 0.005, 1);
        if (below is { } under && under.Macs < 1)
            return Math.Clamp(under.Macs * Math.Max(aim / Math.Max(under.Ratio, 1e-9), 1.05), 0.005, 1);
        return null;
    }
}
