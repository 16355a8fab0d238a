using System.Globalization;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>The diagnostics the information methods raise about their settings and inputs.</summary>
internal static class InformationWarnings
{
    public static IReadOnlyList<Diagnostic> For(MeasureSettings settings, string methodName) => settings.CrossLayer
        ? new[]
        {
            new Diagnostic(InformationMethodCodes.CrossLayerRanking,
                $"method '{methodName}' ranks units across layers (crossLayer: true). Information scores are not comparable between " +
                "layers: shallow layers score lower, so mostly their generic features are removed and accuracy collapses " +
                "(neuron-importance paper, Sections 5.2 and 6). Prefer the default within-layer ranking.",
                Severity: Severity.Warning),
        }
        : Array.Empty<Diagnostic>();

    /// <summary>
    /// Settings a method can run: a rank or quartile band is a position within one layer, so it
    /// cannot be ranked across layers (the policy parser reports this as IP0870; here it is a caller's error), and
    /// <see cref="MagnitudeBlend.Auto"/> must have been settled from the policy's fine-tuning.
    /// </summary>
    public static MeasureSettings RequireRunnable(MeasureSettings settings) =>
        settings.Magnitude == MagnitudeBlend.Auto
            ? throw new ArgumentException("magnitude Auto depends on whether the policy fine-tunes; settle it with MeasureSettings.ForFineTuning first", nameof(settings))
        : settings.CrossLayer && settings.Magnitude is MagnitudeBlend.Rank or MagnitudeBlend.Band
            ? throw new ArgumentException($"magnitude '{MagnitudeWeighting.Names.NameOf(settings.Magnitude)}' ranks within a layer and cannot be combined with cross-layer ranking; use None or Product", nameof(settings))
            : settings;

    public static ActivationMeasurements RequireMeasurements(Methods.MethodContext context, string methodName) =>
        context.Measurements ?? throw new InfoPruneException(MeasurementErrors.MeasurementsMissing,
            $"method '{methodName}' needs the calibration pass's measurements (MethodContext.Measurements), but none were given");

    /// <summary>
    /// One warning per method naming the layers whose units all scored the same: the ranking there
    /// is by index, whatever the plan's reason says. A layer of one unit has nothing to rank.
    /// </summary>
    public static IEnumerable<Diagnostic> TiedScores(DependencyGraph graph, IReadOnlyDictionary<int, double[]> scores, string methodName)
    {
        var tied = graph.PrunableGroups
            .Where(g => scores.TryGetValue(g.Id, out var s) && s.Length > 1 && s.Max() - s.Min() <= 1e-9 * Math.Max(1, Math.Abs(s.Max())))
            .Select(g => (g.Name, Score: scores[g.Id][0]))
            .ToList();
        if (tied.Count == 0) yield break;
        var layers = string.Join(", ", tied.Take(5).Select(t => $"'{t.Name}' ({t.Score.ToString("0.###", CultureInfo.InvariantCulture)})"))
                     + (tied.Count > 5 ? $" and {tied.Count - 5} more" : "");
        yield return new Diagnostic(InformationMethodCodes.TiedScores,
            $"method '{methodName}' gives every unit the same score in {tied.Count} layer(s): {layers}; there the units are removed by " +
            "channel index, not by information. With a 1-bit quantizer split at each unit's median (Clip/ReLU6 activations and " +
            "conv channel maps have no fixed threshold) every unit's entropy is exactly 1 bit: use a measure that involves the labels " +
            "(mutual-information, kl-selectivity), or more bins (\"quantizer\": { \"bins\": 8 }).",
            Severity: Severity.Warning);
    }
}
