using System.Globalization;
using System.Numerics;
using InfoPrune.Core.Policy.Json;

namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// Turns one JSON value into a typed value or a diagnostic that names its path, what was
/// expected and what was found. Returns null after reporting, so callers fall back to a default
/// and keep going: one bad value must not hide the next one.
/// </summary>
internal sealed class PolicyValueReader
{
    private readonly PolicyReadContext _context;

    public PolicyValueReader(PolicyReadContext context) => _context = context;

    public double? Number(JsonSourceNode node, string path, NumberRule rule)
    {
        if (node is not JsonScalarNode { Kind: JsonScalarKind.Integer or JsonScalarKind.Float } scalar)
        {
            WrongType(node, path, rule.Describe());
            return null;
        }

        var value = scalar.Value switch
        {
            long l => l,
            BigInteger b => (double)b,
            double d => d,
            _ => double.NaN,
        };
        if (!rule.Allows(value))
        {
            OutOfRange(node, path, rule.Describe(), scalar, value, rule.Max == 1);
            return null;
        }
        return value;
    }

    public int? Integer(JsonSourceNode node, string path, int min, int max)
    {
        var expected = DescribeInteger(min, max);
        if (node is not JsonScalarNode { Kind: JsonScalarKind.Integer or JsonScalarKind.Float } scalar)
        {
            WrongType(node, path, expected);
            return null;
        }

        switch (scalar.Value)
        {
            case long l when l >= min && l <= max:
                return (int)l;
            // 2.0 is an integer to JSON Schema too; 2.5 is not.
            case double d when double.IsFinite(d) && Math.Floor(d) == d:
                if (d >= min && d <= max) return (int)d;
                break;
            case double d when double.IsFinite(d):
                WrongType(node, path, expected);
                return null;
        }
        OutOfRange(node, path, expected, scalar, null, fraction: false);
        return null;
    }

    public bool? Boolean(JsonSourceNode node, string path)
    {
        if (node is JsonScalarNode { Kind: JsonScalarKind.Boolean, Value: bool value }) return value;
        WrongType(node, path, "true or false");
        return null;
    }

    /// <summary>A string; empty strings are refused because no policy value means "nothing" that way.</summary>
    public string? String(JsonSourceNode node, string path, string expected)
    {
        if (node is not JsonScalarNode { Kind: JsonScalarKind.String, Value: string value })
        {
            WrongType(node, path, expected);
            return null;
        }
        if (value.Trim().Length == 0)
        {
            _context.Error(PolicyErrors.InvalidValue, $"{path}: expected {expected}, found an empty string", node);
            return null;
        }
        return value;
    }

    public T? Choice<T>(JsonSourceNode node, string path, NamedChoices<T> choices) where T : struct, Enum
    {
        var expected = "one of " + string.Join(", ", choices.Names.Select(n => $"\"{n}\""));
        if (node is not JsonScalarNode { Kind: JsonScalarKind.String, Value: string name })
        {
            WrongType(node, path, expected);
            return null;
        }
        if (choices.TryGet(name, out var value)) return value;
        _context.Error(PolicyErrors.InvalidValue,
            $"{path}: expected {expected}, found {node.Describe()}{KeySuggestion.Hint(name, choices.Names)}", node);
        return null;
    }

    public void WrongType(JsonSourceNode node, string path, string expected) =>
        _context.Error(PolicyErrors.WrongType, $"{path}: expected {expected}, found {node.Describe()}", node);

    private void OutOfRange(JsonSourceNode node, string path, string expected, JsonScalarNode scalar, double? value, bool fraction)
    {
        // NaN and Infinity are not JSON: the JSON reader has already said so at this position.
        if (scalar.Value is double literal && !double.IsFinite(literal) && char.IsLetter(scalar.SourceText.TrimStart('-', '+').FirstOrDefault()))
            return;
        var note = "";
        if (scalar.Value is BigInteger || scalar.Value is double d && !double.IsFinite(d))
            note = " (too large to represent)";
        else if (fraction && value is > 1 and <= 100)
            note = $"; fractions are written 0..1, e.g. {(value.Value / 100).ToString(CultureInfo.InvariantCulture)} for {value}%";
        _context.Error(PolicyErrors.OutOfRange, $"{path}: expected {expected}, found {scalar.Describe()}{note}", node);
    }

    private static string DescribeInteger(int min, int max) =>
        max == int.MaxValue ? $"an integer ≥ {min}" : $"an integer between {min} and {max}";
}
