using InfoPrune.Core.Latency;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Tests.Latency;

public class LatencyTargetSearchTests
{
    /// <summary>A "plan" per MACs fraction; it carries the fraction in its reason so the fake timer can read it.</summary>
    private static PruningPlan PlanFor(double macs) => new([new GroupDecision(0, [0], macs.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]);
    private static double MacsOf(PruningPlan plan) => double.Parse(plan.Decisions[0].Reason, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void SearchFindsTheLargestPlanThatMeetsTheTarget()
    {
        // Latency with a fixed overhead: 0.2 + 0.8 × MACs, so keeping half the time needs 37.5% of the MACs.
        var timed = 0;
        var result = LatencyTargetSearch.Find(0.5, PlanFor, plan => { timed++; return 0.2 + 0.8 * MacsOf(plan); }, plan => plan.Decisions[0].Reason);

        Assert.True(result.Reached);
        Assert.InRange(result.LatencyRatio, 0.5 - LatencyTargetSearch.CloseEnough, 0.5);
        Assert.InRange(result.MacsFraction, 0.33, 0.375);
        Assert.Equal(result.MacsFraction, MacsOf(result.Plan));
        Assert.True(timed <= LatencyTargetSearch.MaxSteps);
        Assert.Equal(timed, result.Report.Steps.Count);
    }

    [Fact]
    public void UnreachableTargetKeepsTheFastestPlanTriedAndSaysSo()
    {
        // Nothing gets below 70% of the time (overheads the constraints cannot remove).
        var result = LatencyTargetSearch.Find(0.5, PlanFor, plan => 0.7 + 0.3 * MacsOf(plan), plan => plan.Decisions[0].Reason);

        Assert.False(result.Reached);
        Assert.Equal(result.Report.Steps.Min(s => s.LatencyRatio), result.LatencyRatio, 4);
    }

    [Fact]
    public void PlansKeepingTheSameWidthsAreTimedOnce()
    {
        // Rounding makes every MACs fraction give the same widths.
        var timed = 0;
        LatencyTargetSearch.Find(0.5, PlanFor, _ => { timed++; return 0.9; }, _ => "same widths");

        Assert.Equal(1, timed);
    }
}
