using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Information;
using ScottPlot;

namespace InfoPrune.Core.Reporting;

/// <summary>
/// Draws one layer's ablation curves (accuracy against the fraction of units ablated) as a PNG:
/// one colour per measure, solid for low-first and dashed for high-first, thin grey lines for the
/// random orders and a black line for their mean — so "above the black line" reads as "the
/// measure ranks units better than chance".
/// </summary>
public static class AblationPlot
{
    /// <summary>Pixel size of each plot.</summary>
    public const int Width = 900, Height = 480;

    /// <summary>The PNG bytes of <paramref name="layer"/>'s plain or balanced curves.</summary>
    public static byte[] Png(LayerAnalysis layer, bool balanced, double originalAccuracy)
    {
        var plot = new Plot();
        var curves = layer.Curves.Where(c => c.Balanced == balanced).ToList();
        var random = curves.Where(c => c.Ordering.StartsWith("random-", StringComparison.Ordinal)).ToList();
        foreach (var (curve, index) in random.Select((c, i) => (c, i)))
        {
            var line = Add(plot, curve, Colors.Gray.WithAlpha(0.6), 1, LinePattern.Solid);
            line.LegendText = index == 0 ? "random orders" : "";
        }
        if (random.Count > 0)
        {
            var xs = random[0].Points.Select(p => p.Fraction).ToArray();
            var mean = xs.Select((_, i) => random.Average(c => c.Points[i].Accuracy)).ToArray();
            var line = plot.Add.Scatter(xs, mean);
            line.Color = Colors.Black;
            line.LineWidth = 2.5f;
            line.MarkerSize = 0;
            line.LegendText = "random (mean)";
        }
        foreach (var ordering in layer.Orderings.Where(o => o.Measure != null))
        {
            var curve = curves.FirstOrDefault(c => c.Ordering == ordering.Name);
            if (curve == null) continue;
            var low = ordering.Direction == AblationDirection.LowFirst;
            var line = Add(plot, curve, ColorOf(ordering.Measure!.Value), low ? 2 : 1.5f, low ? LinePattern.Solid : LinePattern.Dashed);
            line.LegendText = $"{AblationOrdering.MeasureName(ordering.Measure.Value)} {(low ? "low→high" : "high→low")}";
        }
        var reference = plot.Add.HorizontalLine(originalAccuracy);
        reference.Color = Colors.Green.WithAlpha(0.5);
        reference.LinePattern = LinePattern.Dotted;
        reference.LineWidth = 1;

        plot.Title($"{layer.Name} ({layer.Units.Count} units{(layer.Activation is { } a ? ", " + a : "")}) — {(balanced ? "with bias balancing" : "ablated to zero")}", 13);
        plot.XLabel("fraction of the layer's units ablated", 12);
        plot.YLabel("accuracy", 12);
        plot.Axes.SetLimits(0, 1, 0, 1);
        // Outside the data area: the curves fill every corner of it at some layer.
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 10;
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static ScottPlot.Plottables.Scatter Add(Plot plot, AblationCurve curve, Color color, float width, LinePattern pattern)
    {
        var line = plot.Add.Scatter(curve.Points.Select(p => p.Fraction).ToArray(), curve.Points.Select(p => p.Accuracy).ToArray());
        line.Color = color;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        return line;
    }

    private static Color ColorOf(NeuronMeasure measure) => measure switch
    {
        NeuronMeasure.Entropy => Color.FromHex("#8c564b"),
        NeuronMeasure.MutualInformation => Color.FromHex("#1f77b4"),
        NeuronMeasure.KlSelectivity => Color.FromHex("#ff7f0e"),
        NeuronMeasure.JsSeparation => Color.FromHex("#2ca02c"),
        NeuronMeasure.LabeledMi => Color.FromHex("#9467bd"),
        _ => Colors.Magenta,
    };
}
