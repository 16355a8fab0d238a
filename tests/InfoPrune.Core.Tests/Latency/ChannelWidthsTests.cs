using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Tests.Latency;

/// <summary>How "roundTo": "auto" turns a measured width → cost table into the counts a plan may keep.</summary>
public class ChannelWidthsTests
{
    /// <summary>A kernel that pads channels to blocks of 8: cost steps up after each multiple of 8.</summary>
    private static readonly int[] Widths = Enumerable.Range(1, 32).ToArray();
    private static readonly double[] PaddedCost = Widths.Select(w => (double)((w + 7) / 8)).ToArray();

    [Fact]
    public void EveryWidthOnAPlateauOfEqualCostIsFast()
    {
        // Padding to blocks of 8 makes 9..16 cost the same: none of them is beaten by a wider one.
        Assert.Equal(Widths, ChannelWidths.Fast(Widths, PaddedCost));
    }

    [Fact]
    public void CountThatAWiderOneBeatsIsNotFastAndRoundsUpToIt()
    {
        // Counts that are not a multiple of 4 leave the blocked kernel: slower than the next multiple.
        var cost = Widths.Select(w => w % 4 == 0 ? w / 32.0 : w / 32.0 + 0.2).ToArray();
        var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(Widths, [cost]) });

        Assert.Equal(Widths.Where(w => w % 4 == 0), rounding.FastWidths(0));
        Assert.Equal(12, rounding.RoundUp(0, 9));
        Assert.Equal(12, rounding.RoundUp(0, 12));
    }

    [Fact]
    public void WidthOnASlowPathIsNeitherFastNorAcceptable()
    {
        // 12 leaves the blocked kernel and takes three times as long as 16.
        var widths = new[] { 4, 8, 12, 16 };
        var cost = new[] { 1.0, 2.0, 9.0, 3.0 };


        Assert.Equal([4, 8, 16], ChannelWidths.Fast(widths, cost));
        Assert.Equal([4, 8, 16], ChannelWidths.Acceptable(widths, cost));
    }

    [Fact]
    public void WidthAFewPercentSlowerThanAWiderOneIsAcceptableButNotFast()
    {
        var widths = new[] { 8, 9, 16 };
        var cost = new[] { 1.0, 1.1, 1.0 };

        Assert.Equal([8, 16], ChannelWidths.Fast(widths, cost));
        Assert.Equal([8, 9, 16], ChannelWidths.Acceptable(widths, cost));
    }

    [Fact]
    public void NoiseWithinTheToleranceDoesNotSplitAPlateau()
    {
        // 17..32 cost the same up to timing noise of ±2%: no count on the plateau is beaten.
        var cost = Widths.Select(w => w <= 16 ? 1.0 : 2.0 * (1 + 0.01 * ((w * 7) % 3 - 1))).ToArray();

        Assert.Equal(Widths, ChannelWidths.Fast(Widths, cost));
    }

    [Fact]
    public void WidthSlowerThanTheWholeGroupAtOneBatchSizeIsNoRoundingTarget()
    {
        // 17..31 are padded to 32 and pay for leaving the blocked kernel: a little slower than 32
        // at batch 1, a little faster at batch 64 — pruning there would make batch 1 slower.
        var batch1 = Widths.Select(w => w <= 16 ? 0.6 : w < 32 ? 1.08 : 1.0).ToArray();
        var batch64 = Widths.Select(w => w <= 16 ? 0.5 : w < 32 ? 0.98 : 1.0).ToArray();
        var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(Widths, [batch1, batch64]) });

        Assert.Equal(Enumerable.Range(1, 16).Append(32), rounding.FastWidths(0));
        Assert.Equal(32, rounding.RoundUp(0, 25));
        Assert.Equal(10, rounding.RoundUp(0, 10));
        // 32 is too far from 20 to move the budget there, and 20 is off the slow path: left as it is.
        Assert.Equal(20, rounding.RoundUp(0, 20));
    }

    [Fact]
    public void CountOnASlowPathRoundsUpHoweverFarTheNextGoodWidthIs()
    {
        // A depthwise layer of 32: only multiples of 16 run blocked; 17..31 take three times as long as 32.
        var cost = Widths.Select(w => w % 16 == 0 ? w / 32.0 : 3.0 * ((w + 15) / 16) / 2).ToArray();
        var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(Widths, [cost]) });

        Assert.Equal(32, rounding.RoundUp(0, 18));
        Assert.Equal(16, rounding.RoundUp(0, 5));
    }

    [Fact]
    public void CountWithNoGoodWidthWithinReachIsLeftAsItIs()
    {
        // Only the whole group (16) runs well below it and 1..2 above: 8 is slower than 16, and 16
        // is half the group away. Rounding there would move the budget to this one layer.
        var widths = Enumerable.Range(1, 16).ToArray();
        var cost = widths.Select(w => w <= 2 ? 0.5 : w == 16 ? 1.0 : 1.1).ToArray();
        var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(widths, [cost]) });

        Assert.Equal([1, 2, 16], rounding.FastWidths(0));
        Assert.Equal(8, rounding.RoundUp(0, 8));
        Assert.Equal(16, rounding.RoundUp(0, 12));
    }

    [Fact]
    public void CountRoundsUpToTheNextFastWidthWithinReach()
    {
        // Only multiples of 8 run blocked; the others cost half as much again.
        var cost = Widths.Select(w => (w + 7) / 8 * (w % 8 == 0 ? 1.0 : 1.5)).ToArray();
        var widths = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [3] = new(Widths, [cost]) });

        Assert.Equal(16, widths.RoundUp(3, 9));
        Assert.Equal(16, widths.RoundUp(3, 16));
        Assert.Equal(32, widths.RoundUp(3, 25));
    }

    [Fact]
    public void CountFarBelowTheNextFastWidthRoundsOnlyToAnAcceptableOne()
    {
        // 9..23 cost a little more than 24 (so none is fast) but are off any slow path and no
        // slower than the whole group (so all are acceptable).
        var cost = Widths.Select(w => w <= 8 ? w / 32.0 : w < 24 ? 0.6 : w == 24 ? 0.5 : 1.0).ToArray();
        var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(Widths, [cost]) });

        Assert.DoesNotContain(rounding.FastWidths(0)!, w => w is > 8 and < 24);
        Assert.Equal(9, rounding.RoundUp(0, 9));   // 24 is 15 channels away, more than a quarter of the group
        Assert.Equal(24, rounding.RoundUp(0, 17)); // within a quarter of the group
    }

    [Fact]
    public void RoundingNeverGoesDownNeverDecreasesWithTheCountAndKeepsARoundedCount()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var size = random.Next(2, 70);
            var widths = Enumerable.Range(1, size).ToArray();
            var cost = widths.Select(w => w * (0.5 + random.NextDouble()) * (random.Next(4) == 0 ? 3 : 1)).ToArray();
            var rounding = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [1] = new(widths, [cost]) });
            var previous = 0;
            for (var count = 1; count <= size; count++)
            {
                var rounded = rounding.RoundUp(1, count);
                Assert.InRange(rounded, count, size);
                Assert.Equal(rounded, rounding.RoundUp(1, rounded));
                Assert.True(rounded >= previous, $"trial {trial}: {count - 1} → {previous} but {count} → {rounded}");
                previous = rounded;
            }
        }
    }

    [Fact]
    public void GroupWithoutAMeasurementKeepsItsCount()
    {
        var widths = ChannelWidths.FromCosts(new Dictionary<int, WidthCost> { [0] = new(Widths, [PaddedCost]) });

        Assert.Equal(11, widths.RoundUp(7, 11));
        Assert.Null(widths.FastWidths(7));
    }

    [Fact]
    public void AutoWithoutMeasuredWidthsKeepsCountsAsTheyAre()
    {
        var graph = DependencyGraph.Analyze(OnnxModel.Load(TestModels.Path("lenet5.onnx")));
        var group = graph.PrunableGroups.First(g => g.Size == 120);

        Assert.Equal(61, ConstraintsPolicy.Default.Round(61, group));
        Assert.Equal(64, (ConstraintsPolicy.Default with { RoundTo = 8 }).Round(61, group));
    }

    [Theory]
    [InlineData(TargetKind.Macs, false)]
    [InlineData(TargetKind.Macs, true)]
    [InlineData(TargetKind.Params, false)]
    public void BudgetIsMetWithMeasuredWidthsAndTheirStepsAreSpent(TargetKind kind, bool global)
    {
        // Every group measured as a kernel padding to blocks of 8 (conv1, with 6 channels, to 3).
        var graph = DependencyGraph.Analyze(OnnxModel.Load(TestModels.Path("lenet5.onnx")));
        var costs = graph.PrunableGroups.ToDictionary(g => g.Id, g =>
        {
            var block = g.Size < 8 ? 3 : 8;
            var widths = Enumerable.Range(1, g.Size).ToArray();
            return new WidthCost(widths, [widths.Select(w => (double)((w + block - 1) / block)).ToArray()]);
        });
        var rounding = ChannelWidths.FromCosts(costs);
        var constraints = ConstraintsPolicy.Default with { MeasuredWidths = rounding };
        var cost = new CostModel(graph);
        var scores = MagnitudeMethod.L1.Score(graph, new MethodContext());

        var plan = ChannelSelector.Select(graph, scores, new TargetPolicy(kind, 0.5), constraints, global, "l1");

        var achieved = kind == TargetKind.Macs ? (double)cost.Cost(plan).Macs / cost.OriginalMacs : (double)cost.Cost(plan).Params / cost.OriginalParams;
        Assert.InRange(achieved, 0.4, 0.5);
        var counts = plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept);
        foreach (var group in graph.PrunableGroups)
        {
            var kept = counts[group.Id];
            Assert.Equal(kept, rounding.RoundUp(group.Id, kept));
            // No group can move up to its next width without breaking the budget: what rounding left is spent.
            if (global || kept == group.Size) continue;
            var raised = new Dictionary<int, int>(counts) { [group.Id] = rounding.RoundUp(group.Id, kept + 1) };
            var after = kind == TargetKind.Macs ? (double)cost.Cost(raised).Macs / cost.OriginalMacs : (double)cost.Cost(raised).Params / cost.OriginalParams;
            Assert.True(after > 0.5, $"{group} could move up to {raised[group.Id]} within the budget");
        }
    }
}
