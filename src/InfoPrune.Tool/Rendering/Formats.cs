using System.Globalization;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Tool.Rendering;

/// <summary>How numbers and shapes read in text output: invariant culture, thousands separated.</summary>
internal static class Formats
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Shape(IEnumerable<long> shape) => ShapeMath.Format(shape);

    public static string Shape(IReadOnlyList<Dimension>? shape) =>
        shape == null ? "(no shape)" : "[" + string.Join(",", shape) + "]";

    public static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
