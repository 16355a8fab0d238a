using System.Globalization;
using System.Text;
using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace InfoPrune.Core.Reporting;

/// <summary>
/// Writes a <see cref="NeuronAnalysisResult"/> as data files — units.json/csv (per-unit measures),
/// layers.json (per-layer distributions), ablation.json/csv (the curves) — and report.html, each
/// atomically, into one folder. The CSVs are long-format (one row per unit or per curve point)
/// so they load directly into a data frame.
/// </summary>
public static class NeuronAnalysisFiles
{
    /// <summary>The file names written, in the order written.</summary>
    public static readonly IReadOnlyList<string> FileNames = new[] { "units.json", "units.csv", "layers.json", "ablation.json", "ablation.csv", "report.html" };

    private static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Formatting = Formatting.Indented,
        Culture = CultureInfo.InvariantCulture,
        // JSON has no NaN; a string keeps the file parseable and the gap visible.
        FloatFormatHandling = FloatFormatHandling.String,
    };

    /// <summary>Writes every file into <paramref name="directory"/> (created if missing); returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(NeuronAnalysisResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        string Write(string name, string text)
        {
            var path = Path.Combine(directory, name);
            AtomicFile.WriteAllText(path, text);
            return path;
        }
        return new[]
        {
            Write("units.json", UnitsJson(result)),
            Write("units.csv", UnitsCsv(result)),
            Write("layers.json", LayersJson(result)),
            Write("ablation.json", AblationJson(result)),
            Write("ablation.csv", AblationCsv(result)),
            Write("report.html", NeuronAnalysisHtml.Render(result)),
        };
    }

    /// <summary>Per layer, every unit's scores and mean activation.</summary>
    public static string UnitsJson(NeuronAnalysisResult result) => Serialize(new
    {
        result.Model,
        result.Measures,
        result.Quantizer,
        result.CalibrationSamples,
        Layers = result.Layers.Select(l => new { Layer = l.Name, l.GroupId, l.Value, l.Activation, l.Units }),
    });

    /// <summary>One row per unit: layer, group, unit, each measure, mean activation.</summary>
    public static string UnitsCsv(NeuronAnalysisResult result)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", new[] { "layer", "group", "unit" }.Concat(result.Measures).Append("mean_activation")));
        foreach (var layer in result.Layers)
            foreach (var unit in layer.Units)
                csv.AppendLine(string.Join(",", new[] { Csv(layer.Name), Number(layer.GroupId), Number(unit.Unit) }
                    .Concat(result.Measures.Select(m => Number(unit.Scores[m])))
                    .Append(Number(unit.MeanActivation))));
        return csv.ToString();
    }

    /// <summary>Per layer: size, activation, and each measure's spread over the units.</summary>
    public static string LayersJson(NeuronAnalysisResult result) => Serialize(new
    {
        result.Model,
        Layers = result.Layers.Select(l => new { Layer = l.Name, l.GroupId, l.Value, l.Activation, Units = l.Units.Count, l.Distributions }),
    });

    /// <summary>The orderings, every curve, and each layer's summary.</summary>
    public static string AblationJson(NeuronAnalysisResult result) => Serialize(new
    {
        result.Model,
        result.OriginalAccuracy,
        result.Quantizer,
        result.CalibrationSamples,
        result.EvaluationSamples,
        result.SamplesOverlap,
        result.Steps,
        result.RandomSeeds,
        result.Timings,
        result.Notes,
        Layers = result.Layers.Select(l => new
        {
            Layer = l.Name,
            l.GroupId,
            l.Activation,
            Units = l.Units.Count,
            l.Note,
            l.Summary,
            l.FirstHalf,
            Orderings = l.Orderings.Select(o => new { o.Name, Measure = o.Measure is { } m ? AblationOrdering.MeasureName(m) : null, Direction = o.Direction.ToString(), o.Seed, o.Units }),
            Curves = l.Curves.Select(c => new { c.Ordering, c.Balanced, c.MeanAccuracy, c.Points }),
        }),
    });

    /// <summary>One row per curve point.</summary>
    public static string AblationCsv(NeuronAnalysisResult result)
    {
        var csv = new StringBuilder();
        csv.AppendLine("layer,group,ordering,balanced,ablated,fraction,accuracy");
        foreach (var layer in result.Layers)
            foreach (var curve in layer.Curves)
                foreach (var point in curve.Points)
                    csv.AppendLine(string.Join(",", Csv(layer.Name), Number(layer.GroupId), curve.Ordering, curve.Balanced ? "true" : "false",
                        Number(point.Ablated), Number(point.Fraction), Number(point.Accuracy)));
        return csv.ToString();
    }

    private static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings) + "\n";

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string text) =>
        text.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";
}
