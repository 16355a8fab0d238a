using System.Globalization;
using System.Net;
using System.Text;
using InfoPrune.Core.Analysis.Neurons;

namespace InfoPrune.Core.Reporting;

/// <summary>
/// The analysis as one self-contained HTML page for people: the summary table (mean accuracy of
/// each curve), then per layer the two plots (ablated to zero, with bias balancing) embedded as
/// base64 PNGs and the measures' distributions. No scripts, no external files: it opens anywhere
/// and can be attached to a pull request as it is.
/// </summary>
public static class NeuronAnalysisHtml
{
    /// <summary>The page.</summary>
    public static string Render(NeuronAnalysisResult result)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>InfoPrune analysis — {Encode(Path.GetFileName(result.Model ?? "model"))}</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1500px}table{border-collapse:collapse;margin:1em 0}" +
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}" +
            ".better{color:#176317}.worse{color:#a11}.plots img{max-width:49%;margin-right:1%}.note{color:#555}</style></head><body>");
        html.AppendLine($"<h1>Neuron importance and cumulative ablation — {Encode(Path.GetFileName(result.Model ?? "model"))}</h1>");
        html.AppendLine($"<p>Measures estimated on {result.CalibrationSamples} samples, unit outputs quantized to {Encode(result.Quantizer)}; " +
            $"accuracy after each step on {result.EvaluationSamples} samples{(result.SamplesOverlap ? " (overlapping the calibration samples)" : "")}. " +
            $"Accuracy of the unmodified model: <b>{Percent(result.OriginalAccuracy)}</b>. {result.Steps} points per curve, {result.RandomSeeds} random orders per layer; " +
            $"{result.Timings.Evaluations} evaluations in {Seconds(result.Timings.AblationSeconds)}, {Seconds(result.Timings.TotalSeconds)} in all.</p>");
        html.AppendLine("<p>Each layer is ablated on its own, the others untouched (the paper's Section 5.3). A curve's mean accuracy is its area: " +
            "an adequate measure's low→high curve stays above the random ones. <i>Ablated to zero</i> leaves the next layer's biases as they are; " +
            "<i>bias balancing</i> replaces each ablated unit by its mean activation (eq. 7).</p>");
        foreach (var note in result.Notes) html.AppendLine($"<p class=\"note\">Note: {Encode(note)}</p>");

        html.AppendLine("<h2>Summary</h2><p>Mean accuracy over the whole curve (0–100% ablated) and over its first half (0–50%, where pruning works; " +
            "past it every curve collapses towards the constant-output accuracy).</p><table><tr><th>layer</th><th>units</th><th>activation</th><th>part</th><th>MI low→high</th><th>random</th><th>MI − random</th>" +
            "<th>MI low→high, balanced</th><th>random, balanced</th><th>MI − random, balanced</th><th>balancing gain (random &amp; MI low→high)</th></tr>");
        foreach (var (layer, s) in result.Layers.SelectMany(l => new[] { (l, l.Summary), (l, l.FirstHalf) }))
        {
            html.AppendLine($"<tr><td>{Encode(layer.Name)}</td><td>{layer.Units.Count}</td><td>{Encode(layer.Activation ?? "—")}</td><td>{(s.UpToFraction >= 1 ? "whole" : "0–50%")}</td>" +
                $"<td>{Percent(s.Plain.GetValueOrDefault(LayerAblationSummary.MutualInformationLowFirst, double.NaN))}</td><td>{Percent(s.RandomPlain)}</td>{Signed(s.MutualInformationAdvantagePlain)}" +
                $"<td>{Percent(s.Balanced?.GetValueOrDefault(LayerAblationSummary.MutualInformationLowFirst, double.NaN))}</td><td>{Percent(s.RandomBalanced)}</td>{Signed(s.MutualInformationAdvantageBalanced)}" +
                $"{Signed(s.BalancingGain)}</tr>");
        }
        html.AppendLine("</table>");

        foreach (var layer in result.Layers)
        {
            html.AppendLine($"<h2>{Encode(layer.Name)} — {layer.Units.Count} units{(layer.Activation is { } a ? ", " + Encode(a) : "")}</h2>");
            html.AppendLine($"<p class=\"note\">Units read at <code>{Encode(layer.Value)}</code>.{(layer.Note is { } n ? " " + Encode(n) + "." : "")}</p>");
            if (layer.Curves.Count > 0)
            {
                html.Append("<div class=\"plots\">");
                foreach (var balanced in new[] { false, true }.Where(b => layer.Curves.Any(c => c.Balanced == b)))
                    html.Append($"<img alt=\"{(balanced ? "with bias balancing" : "ablated to zero")}\" src=\"data:image/png;base64,{Convert.ToBase64String(AblationPlot.Png(layer, balanced, result.OriginalAccuracy))}\">");
                html.AppendLine("</div>");

                html.AppendLine("<table><tr><th>ordering</th><th>mean accuracy, to zero</th><th>with balancing</th><th>0–50%, to zero</th><th>0–50%, with balancing</th></tr>");
                foreach (var ordering in layer.Orderings)
                    html.AppendLine($"<tr><td>{Encode(ordering.Name)}</td><td>{Percent(layer.Summary.Plain.GetValueOrDefault(ordering.Name, double.NaN))}</td>" +
                        $"<td>{Percent(layer.Summary.Balanced?.GetValueOrDefault(ordering.Name, double.NaN))}</td>" +
                        $"<td>{Percent(layer.FirstHalf.Plain.GetValueOrDefault(ordering.Name, double.NaN))}</td>" +
                        $"<td>{Percent(layer.FirstHalf.Balanced?.GetValueOrDefault(ordering.Name, double.NaN))}</td></tr>");
                html.AppendLine("</table>");
            }
            html.AppendLine("<table><tr><th>measure (bits)</th><th>min</th><th>Q1</th><th>median</th><th>Q3</th><th>max</th><th>mean</th></tr>");
            foreach (var (measure, d) in layer.Distributions)
                html.AppendLine($"<tr><td>{Encode(measure)}</td><td>{Bits(d.Min)}</td><td>{Bits(d.LowerQuartile)}</td><td>{Bits(d.Median)}</td><td>{Bits(d.UpperQuartile)}</td><td>{Bits(d.Max)}</td><td>{Bits(d.Mean)}</td></tr>");
            html.AppendLine("</table>");
        }
        html.AppendLine("<p class=\"note\">Data: units.json, units.csv (per-unit measures), layers.json (distributions), ablation.json, ablation.csv (curves), beside this file.</p>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Percent(double? value) =>
        value is { } v && !double.IsNaN(v) ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "—";

    private static string Signed(double? value) => value is { } v && !double.IsNaN(v)
        ? $"<td class=\"{(v >= 0 ? "better" : "worse")}\">{(v >= 0 ? "+" : "−")}{Math.Abs(v * 100).ToString("0.00", CultureInfo.InvariantCulture)} pt</td>"
        : "<td>—</td>";

    private static string Bits(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Seconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
