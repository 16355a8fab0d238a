using System.Globalization;
using System.Text;
using InfoPrune.Core.IO;
using InfoPrune.Core.Latency;
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
        var verdict = report.Outcome switch { "pruned" => "✅ pruned", "gate-failed" => "❌ gate failed", _ => "❌ failed" };
        md.AppendLine($"## InfoPrune: {Path.GetFileName(report.Model)} — {verdict}");
        md.AppendLine();
        md.AppendLine($"Method `{report.Method}`, target {report.Target}{(report.PruningSteps > 1 ? $" in {report.PruningSteps} steps" : "")}, seed {report.Seed}.");
        if (report.BatchNormLayers.Count > 0)
            md.AppendLine().AppendLine($"Fine-tuned with BatchNorm re-inserted after {report.BatchNormLayers.Count} layer(s), folded back into their weights: {string.Join(", ", report.BatchNormLayers.Select(l => $"`{l}`"))}.");
        if (report.MethodTraining is { } training)
            md.AppendLine().AppendLine($"`{report.Method}` trained for {training.Epochs} epoch(s) ({training.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s) before its cut" +
                (report.ChannelScores is { Threshold: { } t } scores ? $"; channels with {scores.Measure} below {t.ToString("0.###", CultureInfo.InvariantCulture)} removed ({scores.ThresholdRule})." : "."));
        md.AppendLine();
        md.AppendLine("| | before | after | change |");
        md.AppendLine("|---|---:|---:|---:|");
        var after = report.After;
        Row(md, "parameters", report.Before.Parameters, after?.Parameters);
        Row(md, "MACs", report.Before.Macs, after?.Macs);
        Row(md, "file bytes", report.Before.FileBytes, after?.FileBytes);
        md.AppendLine($"| accuracy (ORT) | {Pct(report.Before.Accuracy)} | {Pct(after?.Accuracy)} | {PointsChange(report.Before.Accuracy, after?.Accuracy)} |");
        if (report.Latency is { } latency)
            foreach (var batch in latency.Batches)
                md.AppendLine($"| latency, batch {batch.BatchSize} | {Timing(batch.Original)} | {Timing(batch.Pruned)} | {RatioWithSpread(batch)} |");
        md.AppendLine();
        if (report.Latency is { } timed)
        {
            md.AppendLine($"Latency: ONNX Runtime, {ThreadsText(timed.Threads)}, median and interquartile range of runs interleaved with the original; " +
                          "the ratio is taken round by round. ⚠️ marks a pruned model slower beyond the spread.");
            md.AppendLine();
            AppendLayerShares(md, timed);
        }
        if (report.Gate is { } gate)
        {
            md.AppendLine(gate.Passed
                ? $"Gate passed (minAccuracy {Pct(gate.MinAccuracy)}, maxDrop {gate.MaxDrop * 100:0.##} points" +
                  (gate.MaxLatencyRatio is { } limit ? $", maxLatencyRatio {limit.ToString("0.###", CultureInfo.InvariantCulture)}" : "") + ")."
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
    /// <summary>
    /// One form for every size and time row: the signed relative change ("−51.6%" = about half
    /// the MACs, "+12.0%" = slower), so the column never mixes kept fractions with speed-up factors.
    /// Accuracy, a fraction itself, changes in points instead.
    /// </summary>
    internal static string RelativeChange(double? before, double? after) =>
        before is { } b && after is { } a && b > 0
            ? ((a - b) / b).ToString("+0.0%;−0.0%;0.0%", CultureInfo.InvariantCulture)
            : "—";
    /// <summary>A latency with its spread: "1.23 ms (1.20–1.31)".</summary>
    internal static string Timing(LatencyStatistics s) =>
        $"{Milliseconds(s.Median)} ms ({Milliseconds(s.LowerQuartile)}–{Milliseconds(s.UpperQuartile)})";

    /// <summary>
    /// The change of the time, in the column's one form (signed relative change), with the spread
    /// of the per-round ratio: "−52% (−54% to −49%)".
    /// </summary>
    internal static string RatioWithSpread(BatchLatency batch) =>
        $"{(batch.PrunedIsSlower ? "⚠️ " : "")}{Signed(batch.Ratio.Median)} ({Signed(batch.Ratio.LowerQuartile)} to {Signed(batch.Ratio.UpperQuartile)})";

    private static string Signed(double ratio) => (ratio - 1).ToString("+0%;−0%;0%", CultureInfo.InvariantCulture);

    internal static string ThreadsText(int threads) => threads == 0 ? "its default threads" : threads == 1 ? "1 thread" : $"{threads} threads";

    /// <summary>Milliseconds with three significant digits, so 0.0123 ms and 56.7 ms both read.</summary>
    internal static string Milliseconds(double ms) =>
        ms >= 100 ? ms.ToString("0", CultureInfo.InvariantCulture)
        : ms >= 10 ? ms.ToString("0.0", CultureInfo.InvariantCulture)
        : ms >= 1 ? ms.ToString("0.00", CultureInfo.InvariantCulture)
        : ms.ToString("0.000#", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) =>
        (fraction * 100).ToString(fraction < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The layers that take the most time, in a collapsed table (GitHub renders details/summary).</summary>
    private static void AppendLayerShares(StringBuilder md, LatencyReport latency)
    {
        if (latency.Layers.Count == 0) return;
        md.AppendLine($"<details><summary>Time per layer at batch {latency.BatchSize} (ONNX Runtime profiler)</summary>");
        md.AppendLine();
        md.AppendLine("| layer | before | share | after | share |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var layer in latency.Layers.OrderByDescending(l => l.OriginalMs).Take(20))
            md.AppendLine($"| {layer.Name} | {Milliseconds(layer.OriginalMs)} ms | {Percent(layer.OriginalShare)} | {Milliseconds(layer.PrunedMs)} ms | {Percent(layer.PrunedShare)} |");
        md.AppendLine();
        md.AppendLine("</details>");
        md.AppendLine();
    }
    private static string PointsChange(double? before, double? after) =>
        before is { } b && after is { } a ? ((a - b) * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + " pts" : "—";
}
