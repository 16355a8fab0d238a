namespace InfoPrune.Core.Policy.Json;

/// <summary>
/// A JSON value together with where it starts in the source text (1-based line and column of its
/// first character). The policy reader needs start positions for its messages, and Newtonsoft
/// only reports where a token ends, so the tree is built by <see cref="StrictJsonReader"/>.
/// </summary>
internal abstract class JsonSourceNode
{
    protected JsonSourceNode(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }
    public int Column { get; }

    /// <summary>How the value is named in messages: the source text for scalars, "an object" otherwise.</summary>
    public abstract string Describe();
}

/// <summary>A JSON object; properties keep their source order and the first of duplicate keys.</summary>
internal sealed class JsonObjectNode : JsonSourceNode
{
    private readonly List<JsonSourceProperty> _properties = new();

    public JsonObjectNode(int line, int column) : base(line, column) { }

    public IReadOnlyList<JsonSourceProperty> Properties => _properties;

    public JsonSourceProperty? Find(string name) => _properties.FirstOrDefault(p => p.Name == name);

    internal void Add(JsonSourceProperty property) => _properties.Add(property);

    public override string Describe() => "an object";
}

/// <summary>A JSON array.</summary>
internal sealed class JsonArrayNode : JsonSourceNode
{
    private readonly List<JsonSourceNode> _items = new();

    public JsonArrayNode(int line, int column) : base(line, column) { }

    public IReadOnlyList<JsonSourceNode> Items => _items;

    internal void Add(JsonSourceNode item) => _items.Add(item);

    public override string Describe() => "an array";
}

/// <summary>The JSON type of a scalar, as the policy rules distinguish them.</summary>
internal enum JsonScalarKind { String, Integer, Float, Boolean, Null }

/// <summary>
/// A string, number, boolean or null. <see cref="Value"/> is a <see cref="string"/>, a
/// <see cref="long"/> or <see cref="System.Numerics.BigInteger"/> (integers too large for long),
/// a <see cref="double"/> (possibly infinite when the text overflows), a <see cref="bool"/> or null.
/// </summary>
internal sealed class JsonScalarNode : JsonSourceNode
{
    public JsonScalarNode(int line, int column, JsonScalarKind kind, object? value, string sourceText)
        : base(line, column)
    {
        Kind = kind;
        Value = value;
        SourceText = sourceText;
    }

    public JsonScalarKind Kind { get; }
    public object? Value { get; }

    /// <summary>The value exactly as written, so messages quote the user ("found 1e999", not "found ∞").</summary>
    public string SourceText { get; }

    public override string Describe() =>
        SourceText.Length <= 60 ? SourceText : SourceText[..57] + "...";
}

/// <summary>One <c>"name": value</c> pair with the position of its name.</summary>
internal sealed record JsonSourceProperty(string Name, int Line, int Column, JsonSourceNode Value);
