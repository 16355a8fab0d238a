using System.Globalization;
using System.Net;
using System.Text;

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
        var verdict = report.Outcome == "pruned" ? "<span class=\"pass\">pruned, gate passed</span>" : "<span class=\"fail\">accuracy gate failed — no model written</span>";
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

        html.AppendLine("<h2>Groups</h2><table><tr><th>id</th><th>group</th><th>before</th><th>after</th><th>why</th></tr>");
        foreach (var g in report.Groups)
            html.AppendLine($"<tr><td>{g.Id}</td><td class=\"text\">{Encode(g.Name)}</td><td>{g.ChannelsBefore}</td><td>{g.ChannelsAfter}</td><td class=\"text\">{Encode(g.Why)}</td></tr>");
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

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
