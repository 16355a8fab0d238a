using System.Collections.Immutable;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy.Json;

namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// Reads the keys of one JSON object. Every key a section asks for becomes an allowed key, so
/// the list of allowed keys cannot drift from the code that reads them; <see cref="Finish"/> then
/// reports every other key as unknown. Sections therefore ask for all their keys unconditionally
/// and check combinations afterwards.
/// </summary>
internal sealed class PolicyObjectReader
{
    private readonly List<string> _accepted = new();

    public PolicyObjectReader(PolicyReadContext context, JsonObjectNode node, string path, string schemaPath)
    {
        Context = context;
        Node = node;
        Path = path;
        SchemaPath = schemaPath;
        Values = new PolicyValueReader(context);
    }

    public PolicyReadContext Context { get; }
    public JsonObjectNode Node { get; }

    /// <summary>JSON path used in messages: "fineTune.optimizer"; empty at the top level.</summary>
    public string Path { get; }

    /// <summary>Where this object is described in the schema ("method(cmi)" for a method's parameters).</summary>
    public string SchemaPath { get; }

    public PolicyValueReader Values { get; }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The property <paramref name="key"/>, if present; marks the key as allowed either way.</summary>
    public JsonSourceProperty? Property(string key)
    {
        if (!_accepted.Contains(key)) _accepted.Add(key);
        return Node.Find(key);
    }

    public void ReportMissing(string key, string expected) =>
        Context.Error(PolicyErrors.MissingKey,
            $"{PathOf(key)}: required key is missing; expected {expected}", Node);

    public void Error(ErrorCode code, JsonSourceNode at, string message) => Context.Error(code, message, at);

    public double? OptionalNumber(string key, NumberRule rule) =>
        Property(key) is { } p ? Values.Number(p.Value, PathOf(key), rule) : null;

    public double Number(string key, double fallback, NumberRule rule) => OptionalNumber(key, rule) ?? fallback;

    public int? OptionalInteger(string key, int min, int max = int.MaxValue) =>
        Property(key) is { } p ? Values.Integer(p.Value, PathOf(key), min, max) : null;

    public int Integer(string key, int fallback, int min, int max = int.MaxValue) =>
        OptionalInteger(key, min, max) ?? fallback;

    public bool? OptionalBoolean(string key) =>
        Property(key) is { } p ? Values.Boolean(p.Value, PathOf(key)) : null;

    public bool Boolean(string key, bool fallback) => OptionalBoolean(key) ?? fallback;

    public T? OptionalChoice<T>(string key, NamedChoices<T> choices) where T : struct, Enum =>
        Property(key) is { } p ? Values.Choice(p.Value, PathOf(key), choices) : null;

    public T Choice<T>(string key, T fallback, NamedChoices<T> choices) where T : struct, Enum =>
        OptionalChoice(key, choices) ?? fallback;

    /// <summary>
    /// A key that takes one word or a number (e.g. <c>"auto"</c> or 8): the number's node, or null when
    /// the key is absent or is <paramref name="word"/>. Another word or type is reported against
    /// <paramref name="expected"/>. The caller reads the node with its own range rule.
    /// </summary>
    public JsonScalarNode? NumberUnlessWord(string key, string word, string expected)
    {
        var property = Property(key);
        switch (property?.Value)
        {
            case null:
                return null;
            case JsonScalarNode { Kind: JsonScalarKind.String, Value: string text }:
                if (text != word)
                    Error(PolicyErrors.InvalidValue, property.Value, $"{PathOf(key)}: {property.Value.Describe()} is not allowed; expected {expected}");
                return null;
            case JsonScalarNode { Kind: JsonScalarKind.Integer or JsonScalarKind.Float } number:
                return number;
            case var other:
                Values.WrongType(other, PathOf(key), expected);
                return null;
        }
    }

    public string? OptionalString(string key, string expected) =>
        Property(key) is { } p ? Values.String(p.Value, PathOf(key), expected) : null;

    /// <summary>
    /// A required file path, made absolute against the policy's folder (so a policy means the same
    /// files wherever the build runs from) and, when files are checked, required to exist.
    /// </summary>
    public string? FilePath(string key)
    {
        var property = Property(key);
        if (property is null)
        {
            ReportMissing(key, "a file path");
            return null;
        }
        var text = Values.String(property.Value, PathOf(key), "a file path");
        if (text is null) return null;

        string resolved;
        try
        {
            resolved = System.IO.Path.GetFullPath(System.IO.Path.Combine(Context.BaseDirectory, text));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Error(PolicyErrors.InvalidValue, property.Value, $"{PathOf(key)}: {property.Value.Describe()} is not a valid path: {e.Message}");
            return null;
        }

        if (Context.CheckFiles && !File.Exists(resolved))
        {
            var why = Directory.Exists(resolved) ? "is a folder, not a file" : "does not exist";
            Error(GeneralErrors.FileNotFound, property.Value, $"{PathOf(key)}: the file {resolved} {why}");
        }
        return resolved;
    }

    /// <summary>A nested object, or null when absent (reported if required) or not an object (reported).</summary>
    public PolicyObjectReader? Object(string key, bool required, string expected, string? schemaPath = null)
    {
        var property = Property(key);
        if (property is null)
        {
            if (required) ReportMissing(key, expected);
            return null;
        }
        return AsObject(property.Value, PathOf(key), expected, schemaPath ?? ChildSchemaPath(key));
    }

    public PolicyObjectReader? AsObject(JsonSourceNode node, string path, string expected, string schemaPath)
    {
        if (node is JsonObjectNode obj) return new PolicyObjectReader(Context, obj, path, schemaPath);
        Values.WrongType(node, path, expected);
        return null;
    }

    public string ChildSchemaPath(string key) => SchemaPath.Length == 0 ? key : $"{SchemaPath}.{key}";

    /// <summary>An array whose every item is read by <paramref name="readItem"/>; null if absent or malformed.</summary>
    public ImmutableArray<T>? Array<T>(string key, string expected, int minCount, int maxCount,
        Func<JsonSourceNode, string, T?> readItem) where T : struct
    {
        var property = Property(key);
        if (property is null) return null;
        if (property.Value is not JsonArrayNode array)
        {
            Values.WrongType(property.Value, PathOf(key), expected);
            return null;
        }
        if (array.Items.Count < minCount || array.Items.Count > maxCount)
        {
            var count = minCount == maxCount ? $"exactly {minCount}" : maxCount == int.MaxValue ? $"at least {minCount}" : $"{minCount} to {maxCount}";
            Error(PolicyErrors.OutOfRange, array, $"{PathOf(key)}: expected {expected} with {count} items, found {array.Items.Count}");
            return null;
        }

        var items = ImmutableArray.CreateBuilder<T>(array.Items.Count);
        var valid = true;
        for (var i = 0; i < array.Items.Count; i++)
        {
            // Keep reading after a bad item: every bad item gets its own diagnostic.
            if (readItem(array.Items[i], $"{PathOf(key)}[{i}]") is { } item) items.Add(item);
            else valid = false;
        }
        return valid ? items.MoveToImmutable() : null;
    }

    public ImmutableArray<double>? NumberArray(string key, NumberRule rule, int minCount = 0, int maxCount = int.MaxValue) =>
        Array(key, $"an array of numbers ({rule.Describe("each")})", minCount, maxCount,
            (node, path) => Values.Number(node, path, rule));

    public ImmutableArray<int>? IntegerArray(string key, int min, int max, int minCount = 0, int maxCount = int.MaxValue) =>
        Array(key, $"an array of integers (each ≥ {min})", minCount, maxCount,
            (node, path) => Values.Integer(node, path, min, max));

    /// <summary>Reports every key that no read asked for, naming the allowed keys and the likeliest intended one.</summary>
    public void Finish()
    {
        Context.KeysAccepted?.Invoke(SchemaPath, _accepted.ToArray());
        foreach (var property in Node.Properties)
        {
            if (_accepted.Contains(property.Name)) continue;
            Context.Error(PolicyErrors.UnknownKey,
                $"{PathOf(property.Name)}: unknown key; allowed keys here: {string.Join(", ", _accepted)}" +
                KeySuggestion.Hint(property.Name, _accepted),
                property.Line, property.Column);
        }
    }
}
