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
        var before = new List<Bar>();
        var after = new List<Bar>();
        for (var i = 0; i < groups.Count; i++)
        {
            before.Add(new Bar { Position = i * 3, Value = groups[i].ChannelsBefore, FillColor = Colors.LightGray });
            after.Add(new Bar { Position = i * 3 + 1, Value = groups[i].ChannelsAfter, FillColor = groups[i].Prunable ? Color.FromHex("#1f77b4") : Colors.DarkGray });
        }
        plot.Add.Bars(before).LegendText = "before";
        plot.Add.Bars(after).LegendText = "after (dark grey: frozen)";
        var ticks = groups.Select((g, i) => new Tick(i * 3 + 0.5, Shorten(g.Name))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 190;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("channels", 12);
        plot.Title($"Channels per group — {Path.GetFileName(report.Model)}, {report.Method}, {report.Target}", 13);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    // Exported node names are paths such as /layer2/layer2.1/conv1/Conv; the tail is what tells them apart.
    private static string Shorten(string name)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tail = string.Join("/", parts.Skip(Math.Max(0, parts.Length - 3)));
        return tail.Length > 32 ? tail[..32] : tail;
    }
}
