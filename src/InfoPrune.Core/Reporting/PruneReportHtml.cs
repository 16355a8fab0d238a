using System.Globalization;
using System.Net;
using System.Text;
using InfoPrune.Core.Latency;

namespace InfoPrune.Core.Reporting;

/// <summary>
/// The prune report as one self-contained HTML page for people: the verdict, the before/after
/// table (the markdown summary's numbers), the channels-per-group chart, every group with why it
/// was cut or frozen, and the time of each step. No scripts and no external files.
/// </summary>
public static class PruneReportHtml
{
    public static string Render(PruneReport report)
    {
        var html = new StringBuilder();
        var name = Encode(Path.GetFileName(report.Model));
        html.AppendLine($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>InfoPrune — {name}</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}" +
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child,td.text{text-align:left}" +
            ".pass{color:#176317}.fail{color:#a11}img{max-width:100%}</style></head><body>");
        var verdict = report.Outcome == "pruned" ? "<span class=\"pass\">pruned, gate passed</span>" : "<span class=\"fail\">gate failed — no model written</span>";
        html.AppendLine($"<h1>InfoPrune: {name} — {verdict}</h1>");
        html.AppendLine($"<p>Method <b>{Encode(report.Method)}</b>, target {Encode(report.Target)}, seed {report.Seed}. Tool {Encode(report.ToolVersion)}.</p>");
        if (report.Gate is { Passed: false } gate)
            foreach (var failure in gate.Failures) html.AppendLine($"<p class=\"fail\">{Encode(failure)}</p>");
        foreach (var warning in report.Warnings) html.AppendLine($"<p>Warning: {Encode(warning)}</p>");

        // The same table as the markdown summary, rendered as HTML.
        var markdownTable = ReportWriter.ToMarkdown(report).Split('\n').Where(l => l.StartsWith('|') && !l.StartsWith("|---")).ToList();
        html.AppendLine("<table>");
        foreach (var (line, index) in markdownTable.Select((l, i) => (l, i)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => Encode(c.Trim()));
            var tag = index == 0 ? "th" : "td";
            html.AppendLine("<tr>" + string.Concat(cells.Select(c => $"<{tag}>{c}</{tag}>")) + "</tr>");
        }
        html.AppendLine("</table>");
        if (report.ParityMaxAbsDifference is { } parity)
            html.AppendLine($"<p>ONNX Runtime vs TorchSharp on the written file: max |Δ| = {parity.ToString("G3", CultureInfo.InvariantCulture)}.</p>");
        if (report.Output != null) html.AppendLine($"<p>Output: <code>{Encode(report.Output)}</code></p>");

        html.AppendLine($"<img alt=\"channels per group\" src=\"data:image/png;base64,{Convert.ToBase64String(PruneReportPlot.ChannelsPng(report))}\">");
        if (report.ChannelScores is { } scores) AppendScores(html, scores, report.MethodTraining, Path.GetFileName(report.Model));
        if (report.Latency is { } latency) AppendLatency(html, latency, Path.GetFileName(report.Model));

        var widths = report.Groups.Any(g => g.FastWidths != null);
        html.AppendLine("<h2>Groups</h2><table><tr><th>id</th><th>group</th><th>before</th><th>after</th><th>why</th>" +
            (widths ? "<th>widths measured fast (roundTo auto)</th>" : "") + "</tr>");
        foreach (var g in report.Groups)
            html.AppendLine($"<tr><td>{g.Id}</td><td class=\"text\">{Encode(g.Name)}</td><td>{g.ChannelsBefore}</td><td>{g.ChannelsAfter}</td><td class=\"text\">{Encode(g.Why)}</td>" +
                (widths ? $"<td class=\"text\">{Encode(g.FastWidths == null ? "—" : string.Join(" ", g.FastWidths))}</td>" : "") + "</tr>");
        html.AppendLine("</table>");

        if (report.BatchNormLayers.Count > 0)
            html.AppendLine($"<p>Fine-tuned with BatchNorm re-inserted after {report.BatchNormLayers.Count} layer(s), folded back into their weights before writing: " +
                $"{Encode(string.Join(", ", report.BatchNormLayers))}.</p>");
        if (report.FineTune is { } fineTune)
            html.AppendLine($"<h2>Fine-tuning</h2><p>{fineTune.Epochs} epoch(s), {fineTune.Steps} steps, {fineTune.ImagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} images/s; " +
                $"mean loss per epoch: {string.Join(", ", fineTune.EpochLoss.Select(l => l.ToString("0.000", CultureInfo.InvariantCulture)))}.</p>");
        html.AppendLine("<h2>Steps</h2><table><tr><th>step</th><th>seconds</th></tr>");
        foreach (var step in report.Steps) html.AppendLine($"<tr><td>{Encode(step.Step)}</td><td>{step.Seconds.ToString("0.000", CultureInfo.InvariantCulture)}</td></tr>");
        html.AppendLine("</table></body></html>");
        return html.ToString();
    }

    /// <summary>The method's scores: the chart, each group's distribution (quartiles) against the threshold, and its own training.</summary>
    private static void AppendScores(StringBuilder html, ChannelScoreReport scores, FineTuneReport? training, string modelName)
    {
        html.AppendLine($"<h2>Channel scores: {Encode(scores.Measure)}</h2>");
        if (training != null)
            html.AppendLine($"<p>Trained by the method for {training.Epochs} epoch(s), {training.Steps} steps, {training.Seconds:0.0} s " +
                $"({training.ImagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} images/s); mean loss (with the method's penalty) per epoch: " +
                $"{string.Join(", ", training.EpochLoss.Select(l => l.ToString("0.000", CultureInfo.InvariantCulture)))}.</p>");
        html.AppendLine(scores.Threshold is { } t
            ? $"<p>Threshold {t.ToString("0.####", CultureInfo.InvariantCulture)} ({Encode(scores.ThresholdRule)}): channels below it were removed, unless a constraint kept them.</p>"
            : $"<p>{Encode(scores.ThresholdRule)}.</p>");
        html.AppendLine($"<img alt=\"channel scores per group\" src=\"data:image/png;base64,{Convert.ToBase64String(PruneReportPlot.ScoresPng(scores, modelName))}\">");
        html.AppendLine("<table><tr><th>id</th><th>group</th><th>layers per channel</th><th>kept</th><th>min</th><th>lower quartile</th><th>median</th><th>upper quartile</th><th>max</th></tr>");
        foreach (var g in scores.Groups)
        {
            var sorted = g.Scores.Order().ToArray();
            string At(double q) => sorted.Length == 0 ? "—" : sorted[(int)Math.Round(q * (sorted.Length - 1))].ToString("0.###", CultureInfo.InvariantCulture);
            html.AppendLine($"<tr><td>{g.GroupId}</td><td class=\"text\">{Encode(g.Name)}</td><td>{g.Weight}</td><td>{g.Kept}/{g.Scores.Count}</td>" +
                $"<td>{At(0)}</td><td>{At(0.25)}</td><td>{At(0.5)}</td><td>{At(0.75)}</td><td>{At(1)}</td></tr>");
        }
        html.AppendLine("</table>");
    }

    /// <summary>The latency section: both charts, the per-batch figures, the per-layer shares and how widths and targets were measured.</summary>
    private static void AppendLatency(StringBuilder html, LatencyReport latency, string modelName)
    {
        html.AppendLine("<h2>Latency</h2>");
        html.AppendLine($"<p>ONNX Runtime on {Encode(latency.Machine)}, {Encode(ReportWriter.ThreadsText(latency.Threads))}; original and pruned timed in the same process, " +
            "interleaved; medians with the interquartile range, and the pruned/original ratio taken round by round.</p>");
        html.AppendLine("<table><tr><th>batch</th><th>original</th><th>pruned</th><th>pruned ÷ original</th><th>fastest runs' ratio</th><th>rounds</th></tr>");
        foreach (var b in latency.Batches)
            html.AppendLine($"<tr><td>{b.BatchSize}</td><td>{Encode(ReportWriter.Timing(b.Original))}</td><td>{Encode(ReportWriter.Timing(b.Pruned))}</td>" +
                $"<td>{Encode(ReportWriter.RatioWithSpread(b))}</td><td>{(double.IsFinite(b.FastestRatio) ? b.FastestRatio.ToString("P0", CultureInfo.InvariantCulture) : "—")}</td><td>{b.Ratio.Samples}</td></tr>");
        html.AppendLine("</table>");
        html.AppendLine($"<img alt=\"latency per batch size\" src=\"data:image/png;base64,{Convert.ToBase64String(PruneReportPlot.LatencyPng(latency, modelName))}\">");
        if (latency.Layers.Count > 0)
        {
            html.AppendLine($"<img alt=\"time per layer\" src=\"data:image/png;base64,{Convert.ToBase64String(PruneReportPlot.LayerLatencyPng(latency))}\">");
            html.AppendLine($"<h3>Time per layer at batch {latency.BatchSize}</h3><table><tr><th>layer</th><th>before (ms)</th><th>share</th><th>after (ms)</th><th>share</th></tr>");
            foreach (var l in latency.Layers)
                html.AppendLine($"<tr><td class=\"text\">{Encode(l.Name)}</td><td>{ReportWriter.Milliseconds(l.OriginalMs)}</td><td>{l.OriginalShare:P1}</td>" +
                    $"<td>{ReportWriter.Milliseconds(l.PrunedMs)}</td><td>{l.PrunedShare:P1}</td></tr>");
            html.AppendLine("</table>");
        }
        if (latency.Widths is { } w)
            html.AppendLine($"<p>Channel widths (roundTo auto): {w.GroupsMeasured} group(s), {w.ProbesMeasured} probe timing(s) taken, {w.ProbesReused} reused from the cache, {w.Seconds:0.0} s" +
                (w.CacheFile != null ? $"; cache <code>{Encode(w.CacheFile)}</code>" : "") + ".</p>");
        if (latency.Search is { } search)
            html.AppendLine($"<p>Latency target {search.Target:0.###}: candidate plans (MACs kept → latency ratio) " +
                Encode(string.Join(", ", search.Steps.Select(s => $"{s.MacsFraction:0.###} → {s.LatencyRatio:0.###}"))) + $"; chosen: {search.ChosenMacsFraction:0.###} of the MACs.</p>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
