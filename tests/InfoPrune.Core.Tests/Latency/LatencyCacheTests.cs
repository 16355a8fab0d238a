using InfoPrune.Core.Latency;

namespace InfoPrune.Core.Tests.Latency;

public class LatencyCacheTests
{
    private static readonly MachineIdentity Machine = new("test machine", "0123456789abcdef");

    [Fact]
    public void SavedTimesAreReadBackByTheNextRun()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cache").FullName;
        var first = LatencyCache.Open(Machine, folder);
        first.Set("t1/b8/abc", 0.25);
        first.Save(Machine);

        var second = LatencyCache.Open(Machine, folder);

        Assert.True(second.TryGet("t1/b8/abc", out var ms));
        Assert.Equal(0.25, ms);
        Assert.Equal(0, second.AddedCount);
        Assert.StartsWith(Path.Combine(folder, "latency"), second.FilePath);
    }

    [Fact]
    public void AnotherMachineDoesNotSeeTheTimes()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cache").FullName;
        var cache = LatencyCache.Open(Machine, folder);
        cache.Set("t1/b8/abc", 0.25);
        cache.Save(Machine);

        var other = LatencyCache.Open(new MachineIdentity("another", "fedcba9876543210"), folder);

        Assert.False(other.TryGet("t1/b8/abc", out _));
    }

    [Fact]
    public void SavingMergesWithWhatAnotherRunSavedMeanwhile()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cache").FullName;
        var a = LatencyCache.Open(Machine, folder);
        var b = LatencyCache.Open(Machine, folder);
        a.Set("first", 1);
        b.Set("second", 2);
        a.Save(Machine);
        b.Save(Machine);

        var merged = LatencyCache.Open(Machine, folder);

        Assert.True(merged.TryGet("first", out _));
        Assert.True(merged.TryGet("second", out _));
    }

    [Fact]
    public void CorruptCacheFileIsAnEmptyCache()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-cache").FullName;
        var path = LatencyCache.Open(Machine, folder).FilePath!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{ not json");

        var cache = LatencyCache.Open(Machine, folder);

        Assert.False(cache.TryGet("anything", out _));
        cache.Set("anything", 3);
        cache.Save(Machine);
        Assert.True(LatencyCache.Open(Machine, folder).TryGet("anything", out _));
    }
}
