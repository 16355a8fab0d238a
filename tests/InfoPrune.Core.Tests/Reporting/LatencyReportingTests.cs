using InfoPrune.Core.Latency;
using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Tests.Reporting;

/// <summary>How latency reads in the markdown summary and the HTML report.</summary>
public class LatencyReportingTests
{
    private static PruneReport Report(params BatchLatency[] batches) => new()
    {
        ToolVersion = "test",
        Model = "/models/net.onnx",
        Policy = "/models/prune.json",
        Output = "/models/net.pruned.onnx",
        Method = "l1",
        Target = "macs 0.5",
        Groups = [new GroupReport(0, "/conv1/Conv", ["/conv1/Conv"], 16, 8, true, "l1: lowest scores removed", [4, 8, 16])],
        Before = new Totals(1000, 2000, 4000, 0.9),
        After = new Totals(480, 1000, 2000, 0.89),
        Latency = new LatencyReport(64, 1, "test machine", batches,
            [new LayerLatency("/conv1/Conv", 0.8, 0.3, 0.8, 0.6), new LayerLatency("(ONNX Runtime ReorderOutput)", 0.2, 0.2, 0.2, 0.4)],
            new WidthTableReport(1, 16, 0, 0.5, "/cache/widths.json"), null),
        Outcome = "pruned",
    };

    /// <summary>A batch's timings as (median, lower quartile, upper quartile) of the original, the pruned model and their ratio.</summary>
    private static BatchLatency Batch(int size, (double, double, double) original, (double, double, double) pruned, (double, double, double) ratio) =>
        new(size, Stats(original), Stats(pruned), Stats(ratio));

    private static LatencyStatistics Stats((double Median, double Low, double High) s) => new(s.Median, s.Low, s.High, 20);

    private static readonly BatchLatency FasterAtOne = Batch(1, (0.02, 0.019, 0.022), (0.015, 0.014, 0.016), (0.75, 0.74, 0.76));
    private static readonly BatchLatency SlowerAtOne = Batch(1, (0.02, 0.019, 0.022), (0.03, 0.029, 0.031), (1.5, 1.45, 1.55));
    private static readonly BatchLatency HalfAt64 = Batch(64, (1.2, 1.14, 1.32), (0.6, 0.54, 0.63), (0.5, 0.49, 0.51));

    [Fact]
    public void ChangeColumnGivesTimesInTheSameFormAsSizes()
    {
        var markdown = ReportWriter.ToMarkdown(Report(FasterAtOne, HalfAt64));

        Assert.Contains("| | before | after | change |", markdown);
        Assert.Contains("| MACs | 2,000 | 1,000 | −50.0% |", markdown);
        Assert.Contains("| latency, batch 1 | 0.020 ms (0.019–0.022) | 0.015 ms (0.014–0.016) | −25% (−26% to −24%) |", markdown);
        Assert.Contains("| latency, batch 64 | 1.20 ms (1.14–1.32) | 0.600 ms (0.540–0.630) | −50% (−51% to −49%) |", markdown);
        Assert.DoesNotContain("×", markdown);
    }

    [Fact]
    public void SlowerPrunedModelIsFlaggedInItsRow()
    {
        var markdown = ReportWriter.ToMarkdown(Report(SlowerAtOne, HalfAt64));

        var row = markdown.Split('\n').Single(l => l.StartsWith("| latency, batch 1 "));
        Assert.Contains("⚠️ +50% (+45% to +55%)", row);
        Assert.DoesNotContain("⚠️", markdown.Split('\n').Single(l => l.StartsWith("| latency, batch 64 ")));
    }

    [Fact]
    public void LayerSharesAreListedLargestFirst()
    {
        var markdown = ReportWriter.ToMarkdown(Report(HalfAt64));

        var conv = markdown.IndexOf("| /conv1/Conv | 0.800 ms | 80% | 0.300 ms | 60% |", StringComparison.Ordinal);
        var reorder = markdown.IndexOf("| (ONNX Runtime ReorderOutput) |", StringComparison.Ordinal);
        Assert.True(conv > 0 && reorder > conv);
    }

    [Fact]
    public void HtmlReportHasTheLatencySectionChartsAndMeasuredWidths()
    {
        var html = PruneReportHtml.Render(Report(FasterAtOne, HalfAt64));

        Assert.Contains("<h2>Latency</h2>", html);
        Assert.Contains("alt=\"latency per batch size\" src=\"data:image/png;base64,", html);
        Assert.Contains("alt=\"time per layer\" src=\"data:image/png;base64,", html);
        Assert.Contains("<td class=\"text\">4 8 16</td>", html);
        Assert.Contains("16 probe timing(s) taken", html);
    }

    [Fact]
    public void ReportWithoutTimingHasNoLatencyRows()
    {
        var report = Report() with { Latency = null };

        Assert.DoesNotContain("latency", ReportWriter.ToMarkdown(report));
        Assert.DoesNotContain("<h2>Latency</h2>", PruneReportHtml.Render(report));
    }
}
