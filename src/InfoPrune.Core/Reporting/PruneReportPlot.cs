using InfoPrune.Core.Latency;
using ScottPlot;

namespace InfoPrune.Core.Reporting;

/// <summary>
/// Channels per group before and after pruning, as a PNG bar chart: one pair of bars per group in
/// graph order, so where the method cut (and what stayed frozen) shows at a glance.
/// </summary>
public static class PruneReportPlot
{
    public const int Width = 1000, Height = 520;

    public static byte[] ChannelsPng(PruneReport report)
    {
        var plot = new Plot();
        var groups = report.Groups;
        BeforeAfterBars(plot, groups.Select(g => (g.Name, (double)g.ChannelsBefore, (double)g.ChannelsAfter,
            g.Prunable ? Color.FromHex("#1f77b4") : Colors.DarkGray)).ToList(), "after (dark grey: frozen)");
        plot.YLabel("channels", 12);
        plot.Title($"Channels per group — {Path.GetFileName(report.Model)}, {report.Method}, {report.Target}", 13);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>
    /// One pair of bars per item, in order (before in light grey, after in the item's colour), with
    /// the items' shortened names as slanted ticks below: the shape of the per-group and per-layer charts.
    /// </summary>
    private static void BeforeAfterBars(Plot plot, IReadOnlyList<(string Name, double Before, double After, Color AfterColor)> items, string afterLegend)
    {
        plot.Add.Bars(items.Select((item, i) => new Bar { Position = i * 3, Value = item.Before, FillColor = Colors.LightGray }).ToList()).LegendText = "before";
        plot.Add.Bars(items.Select((item, i) => new Bar { Position = i * 3 + 1, Value = item.After, FillColor = item.AfterColor }).ToList()).LegendText = afterLegend;
        var ticks = items.Select((item, i) => new Tick(i * 3 + 0.5, Shorten(item.Name))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 190;
        plot.Axes.Margins(bottom: 0);
    }

    /// <summary>
    /// The pruned model's time as a percentage of the original's at each timed batch size: the
    /// original at 100% with its spread, the pruned model at the median per-round ratio with the
    /// ratio's interquartile range (red when slower beyond it).
    /// </summary>
    public static byte[] LatencyPng(LatencyReport latency, string modelName)
    {
        var plot = new Plot();
        var before = new List<Bar>();
        var after = new List<Bar>();
        var ticks = new List<Tick>();
        for (var i = 0; i < latency.Batches.Count; i++)
        {
            var b = latency.Batches[i];
            var x = i * 3;
            before.Add(new Bar { Position = x, Value = 100, FillColor = Colors.LightGray });
            after.Add(new Bar { Position = x + 1, Value = b.Ratio.Median * 100, FillColor = b.PrunedIsSlower ? Color.FromHex("#c0392b") : Color.FromHex("#1f77b4") });
            Whisker(plot, x, b.Original.LowerQuartile / b.Original.Median * 100, b.Original.UpperQuartile / b.Original.Median * 100);
            Whisker(plot, x + 1, b.Ratio.LowerQuartile * 100, b.Ratio.UpperQuartile * 100);
            ticks.Add(new Tick(x + 0.5, $"batch {b.BatchSize}\n{ReportWriter.Milliseconds(b.Original.Median)} → {ReportWriter.Milliseconds(b.Pruned.Median)} ms"));
        }
        plot.Add.Bars(before).LegendText = "original (100%)";
        plot.Add.Bars(after).LegendText = "pruned (red: slower beyond the spread)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("% of the original's time (whiskers: interquartile range)", 12);
        plot.Title($"ONNX Runtime latency — {modelName}, {ReportWriter.ThreadsText(latency.Threads)}", 13);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(640, 420, ImageFormat.Png);
    }

    /// <summary>Kernel time per layer at the application's batch size, before and after, from ONNX Runtime's profiler.</summary>
    public static byte[] LayerLatencyPng(LatencyReport latency)
    {
        var plot = new Plot();
        BeforeAfterBars(plot, latency.Layers.Select(l => (l.Name, l.OriginalMs, l.PrunedMs, Color.FromHex("#1f77b4"))).ToList(), "after");
        plot.YLabel("ms per run", 12);
        plot.Title($"Time per layer at batch {latency.BatchSize} (ONNX Runtime profiler)", 13);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>
    /// The scores a method cut on: one dot per channel (per coupled set, for gates) above its group,
    /// red when the plan removed it, and the threshold as a line; each group's label says how many
    /// channels it kept, so where the cut fell shows per stage.
    /// </summary>
    public static byte[] ScoresPng(ChannelScoreReport scores, string modelName)
    {
        var plot = new Plot();
        var ticks = new List<Tick>();
        var keptXs = new List<double>(); var keptYs = new List<double>();
        var cutXs = new List<double>(); var cutYs = new List<double>();
        for (var g = 0; g < scores.Groups.Count; g++)
        {
            var group = scores.Groups[g];
            // The plan keeps a group's best-scoring channels, so its lowest (size − kept) are the removed ones.
            var order = group.Scores.Select((v, i) => (v, i)).OrderBy(p => p.v).ThenBy(p => p.i).ToArray();
            for (var rank = 0; rank < order.Length; rank++)
            {
                // Spread the dots of a group sideways so that equal scores stay visible.
                var x = g + (order.Length == 1 ? 0 : (order[rank].i / (double)(order.Length - 1) - 0.5) * 0.6);
                var removed = rank < order.Length - group.Kept;
                (removed ? cutXs : keptXs).Add(x);
                (removed ? cutYs : keptYs).Add(order[rank].v);
            }
            ticks.Add(new Tick(g, $"{Shorten(group.Name)} ({group.Kept}/{group.Scores.Count})"));
        }
        if (keptXs.Count > 0) Dots(plot, keptXs, keptYs, Color.FromHex("#1f77b4"), "kept");
        if (cutXs.Count > 0) Dots(plot, cutXs, cutYs, Color.FromHex("#c0392b"), "removed");
        if (scores.Threshold is { } threshold)
        {
            var line = plot.Add.HorizontalLine(threshold);
            line.Color = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"threshold {threshold:0.###} ({scores.ThresholdRule})";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 210;
        plot.YLabel(scores.Measure + " per channel", 12);
        plot.Title($"Channel scores per group — {modelName}", 13);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void Dots(Plot plot, List<double> xs, List<double> ys, Color color, string legend)
    {
        var dots = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
        dots.Color = color;
        dots.MarkerSize = 5;
        dots.LegendText = legend;
    }

    private static void Whisker(Plot plot, double x, double low, double high)
    {
        var line = plot.Add.Line(x, low, x, high);
        line.Color = Colors.Black;
        line.LineWidth = 1.5f;
        line.MarkerSize = 0;
    }

    // Exported node names are paths such as /layer2/layer2.1/conv1/Conv; the tail is what tells them apart.
    private static string Shorten(string name)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tail = string.Join("/", parts.Skip(Math.Max(0, parts.Length - 3)));
        return tail.Length > 32 ? tail[..32] : tail;
    }
}
