using InfoPrune.Core.Latency;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Tests.Latency;

/// <summary>What the width table measures and reuses; no assertion here is about how fast anything ran.</summary>
public class WidthLatencyTableTests
{
    [Fact]
    public void EveryWidthFromTheMinimumIsACandidateForANarrowGroup()
    {
        Assert.Equal(Enumerable.Range(3, 62), WidthLatencyTable.Candidates(64, 3));
    }

    [Fact]
    public void WideGroupIsMeasuredOnAGridThatEndsAtItsSize()
    {
        var widths = WidthLatencyTable.Candidates(1000, 100);

        Assert.InRange(widths.Length, 100, WidthLatencyTable.MaxCandidates + 1);
        Assert.Equal(100, widths[0]);
        Assert.Equal(1000, widths[^1]);
        Assert.True(widths.Zip(widths.Skip(1)).All(p => p.Second > p.First));
    }

    [Theory]
    [InlineData(64, 1_000, 64)]
    [InlineData(64, 1_000_000, 32)]
    [InlineData(64, 40_000_000, 1)]
    [InlineData(1, 1_000, 1)]
    public void HeavyGroupsAreProbedAtASmallerBatch(int batchSize, long sampleMacs, int expected)
    {
        Assert.Equal(expected, WidthLatencyTable.ProbeBatch(batchSize, sampleMacs));
    }

    [Fact]
    public void TableCoversEveryGroupAndASecondRunReusesEveryTiming()
    {
        var graph = GroupProbeTests.TwoEqualBlocks();
        var groups = graph.PrunableGroups.ToList();
        var cache = LatencyCache.InMemory();
        var settings = new LatencySettings(BatchSize: 4, Threads: 1);

        var first = WidthLatencyTable.Measure(graph, groups, g => ConstraintsPolicy.Default.MinimumKept(g), settings, cache);

        Assert.Empty(first.Warnings);
        Assert.Equal(groups.Select(g => g.Id).Order(), first.Profiles.Keys.Order());
        foreach (var group in groups)
        {
            var profile = first.Profiles[group.Id];
            Assert.Equal(Enumerable.Range(1, group.Size), profile.Widths);
            Assert.Equal([1, 4], profile.Costs.Select(c => c.BatchSize));
            Assert.All(profile.Costs, c => Assert.All(c.Milliseconds, ms => Assert.True(ms > 0)));
        }
        // The two blocks are equal, so the second block's probes were measured with the first's.
        Assert.True(first.ProbesReused > 0);
        Assert.Equal(first.ProbesMeasured, cache.AddedCount);

        var second = WidthLatencyTable.Measure(graph, groups, g => ConstraintsPolicy.Default.MinimumKept(g), settings, cache);

        Assert.Equal(0, second.ProbesMeasured);
        Assert.Equal(first.ProbesMeasured + first.ProbesReused, second.ProbesReused);
        var widths = second.ChannelWidths();
        Assert.All(groups, g => Assert.Equal(g.Size, widths.FastWidths(g.Id)![^1]));
    }
}
