using System.Globalization;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Latency;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Bench;

/// <summary>
/// Prints the width → latency table "roundTo": "auto" plans with, per prunable group: each
/// candidate width's probe time at batch 1 and at the large batch, the relative cost the rounding
/// uses, and the fast widths. Measures what the cache lacks (the user's cache, or --cache DIR).
/// </summary>
internal static class WidthTableBench
{
    public static int Run(BenchOptions options)
    {
        var path = options.Positional.FirstOrDefault() ?? throw new ArgumentException("widths <model.onnx>");
        var settings = new LatencySettings(options.Get("batch", 64), options.Get("threads", 1));
        var cacheFolder = options.Get("cache", "");
        var graph = DependencyGraph.Analyze(OnnxModel.Load(path));
        var cache = LatencyCache.Open(MachineIdentity.Current, cacheFolder.Length > 0 ? cacheFolder : null);
        var table = WidthLatencyTable.Measure(graph, graph.PrunableGroups, g => ConstraintsPolicy.Default.MinimumKept(g), settings, cache);
        cache.Save(MachineIdentity.Current);
        var rounding = table.ChannelWidths();
        Console.WriteLine($"# {Path.GetFileName(path)}: {table.ProbesMeasured} probes timed, {table.ProbesReused} reused, {table.Seconds:0.0} s; {MachineIdentity.Current.Description}");
        foreach (var (id, profile) in table.Profiles)
        {
            var group = graph.Groups[id];
            var relative = profile.RelativeCost();
            Console.WriteLine($"group {id} {group.Name} ({group.Size}): fast {string.Join(" ", rounding.FastWidths(id)!)}");
            Console.WriteLine("  width " + string.Join(" ", profile.Costs.Select(c => $"b{c.BatchSize}(ms)")) + " relative rounds-to");
            for (var i = 0; i < profile.Widths.Count; i++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {profile.Widths[i],5} {string.Join(" ", profile.Costs.Select(c => c.Milliseconds[i].ToString("0.0000", CultureInfo.InvariantCulture)))} {relative[i]:0.000} {rounding.RoundUp(id, profile.Widths[i])}"));
        }
        return 0;
    }
}
