using System.Globalization;
using System.Text;
using InfoPrune.Core.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace InfoPrune.Core.Reporting;

/// <summary>Writes a <see cref="PruneReport"/> as JSON (for machines) and as a markdown summary (for CI pages and people).</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Formatting = Formatting.Indented,
        NullValueHandling = NullValueHandling.Include,
        Culture = CultureInfo.InvariantCulture,
    };

    public static string ToJson(PruneReport report) => JsonConvert.SerializeObject(report, Settings);

    public static void WriteJson(PruneReport report, string path) => AtomicFile.WriteAllText(path, ToJson(report) + "\n");

    public static string ToMarkdown(PruneReport report)
    {
        var md = new StringBuilder();
        var verdict = report.Outcome switch { "pruned" => "✅ pruned", "gate-failed" => "❌ accuracy gate failed", _ => "❌ failed" };
        md.AppendLine($"## InfoPrune: {Path.GetFileName(report.Model)} — {verdict}");
        md.AppendLine();
        md.AppendLine($"Method `{report.Method}`, target {report.Target}{(report.PruningSteps > 1 ? $" in {report.PruningSteps} steps" : "")}, seed {report.Seed}.");
        if (report.BatchNormLayers.Count > 0)
            md.AppendLine().AppendLine($"Fine-tuned with BatchNorm re-inserted after {report.BatchNormLayers.Count} layer(s), folded back into their weights: {string.Join(", ", report.BatchNormLayers.Select(l => $"`{l}`"))}.");
        md.AppendLine();
        md.AppendLine("| | before | after | change |");
        md.AppendLine("|---|---:|---:|---:|");
        var after = report.After;
        Row(md, "parameters", report.Before.Parameters, after?.Parameters);
        Row(md, "MACs", report.Before.Macs, after?.Macs);
        Row(md, "file bytes", report.Before.FileBytes, after?.FileBytes);
        md.AppendLine($"| accuracy (ORT) | {Pct(report.Before.Accuracy)} | {Pct(after?.Accuracy)} | {PointsChange(report.Before.Accuracy, after?.Accuracy)} |");
        md.AppendLine($"| latency, batch 1 | {Ms(report.Before.LatencyBatch1Ms)} | {Ms(after?.LatencyBatch1Ms)} | {RelativeChange(report.Before.LatencyBatch1Ms, after?.LatencyBatch1Ms)} |");
        md.AppendLine($"| latency, batch 64 | {Ms(report.Before.LatencyBatch64Ms)} | {Ms(after?.LatencyBatch64Ms)} | {RelativeChange(report.Before.LatencyBatch64Ms, after?.LatencyBatch64Ms)} |");
        md.AppendLine();
        if (report.Gate is { } gate)
        {
            md.AppendLine(gate.Passed
                ? $"Gate passed (minAccuracy {Pct(gate.MinAccuracy)}, maxDrop {gate.MaxDrop * 100:0.##} points)."
                : "Gate failed: " + string.Join(" ", gate.Failures));
            md.AppendLine();
        }
        foreach (var warning in report.Warnings) md.AppendLine($"> ⚠️ {warning}").AppendLine();
        if (report.Output != null) md.AppendLine($"Output: `{report.Output}`");
        return md.ToString();
    }

    public static void WriteMarkdown(PruneReport report, string path) => AtomicFile.WriteAllText(path, ToMarkdown(report));

    public static void WriteHtml(PruneReport report, string path) => AtomicFile.WriteAllText(path, PruneReportHtml.Render(report));

    private static void Row(StringBuilder md, string name, long before, long? after) =>
        md.AppendLine($"| {name} | {before.ToString("N0", CultureInfo.InvariantCulture)} | {after?.ToString("N0", CultureInfo.InvariantCulture) ?? "—"} | {RelativeChange(before, after)} |");

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "—";
    private static string Ms(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "—";
    /// <summary>
    /// One form for every size and time row: the signed relative change ("−51.6%" = about half
    /// the MACs, "+12.0%" = slower), so the column never mixes kept fractions with speed-up factors.
    /// Accuracy, a fraction itself, changes in points instead.
    /// </summary>
    internal static string RelativeChange(double? before, double? after) =>
        before is { } b && after is { } a && b > 0
            ? ((a - b) / b).ToString("+0.0%;−0.0%;0.0%", CultureInfo.InvariantCulture)
            : "—";
    private static string PointsChange(double? before, double? after) =>
        before is { } b && after is { } a ? ((a - b) * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + " pts" : "—";
}
