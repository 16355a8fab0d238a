using System.Text.RegularExpressions;
using InfoPrune.Core.Diagnostics;
using Newtonsoft.Json;

namespace InfoPrune.Core.Policy.Json;

/// <summary>
/// Reads JSON text into a <see cref="JsonSourceNode"/> tree with start positions, holding the text
/// to standard JSON. Newtonsoft's reader is lenient (comments, trailing commas, single quotes,
/// unquoted names, NaN, hex numbers); each leniency it lets through is reported here as
/// <see cref="PolicyErrors.InvalidJson"/> and reading goes on, so one pass finds them all.
/// Duplicate keys are reported too and the first occurrence is kept. Only a real syntax error
/// stops reading; then the tree is null.
/// </summary>
internal static partial class StrictJsonReader
{
    /// <summary>Deep enough for any policy, shallow enough that hostile nesting fails cleanly.</summary>
    private const int MaxDepth = 64;

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex StandardJsonNumber();

    public static JsonSourceNode? Read(string text, string file, DiagnosticBag diagnostics)
    {
        var lines = new SourceLineMap(text);
        var containers = new Stack<JsonSourceNode>();
        var pendingNames = new Stack<(string Name, int Line, int Column)?>();
        JsonSourceNode? root = null;
        var previousEnd = 0;

        void Error(string message, int offset)
        {
            var (line, column) = lines.PositionOf(offset);
            diagnostics.Error(PolicyErrors.InvalidJson, message, file, line, column);
        }

        using var reader = new JsonTextReader(new StringReader(text))
        {
            // Strings that look like dates must stay strings; numbers with a fraction must be doubles.
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = MaxDepth,
            SupportMultipleContent = false,
        };

        try
        {
            while (reader.Read())
            {
                var end = lines.EndOffset(reader.LineNumber, reader.LinePosition, text.Length);
                var start = SkipSeparators(text, previousEnd, end, out var lastComma);
                var (line, column) = lines.PositionOf(start);
                previousEnd = end;

                switch (reader.TokenType)
                {
                    case JsonToken.Comment:
                        Error("comments are not allowed: a policy is plain JSON", start);
                        continue;

                    case JsonToken.PropertyName:
                        if (text[start] != '"')
                            Error($"the key {reader.Value} must be in double quotes", start);
                        pendingNames.Pop();
                        pendingNames.Push(((string)reader.Value!, line, column));
                        continue;

                    case JsonToken.EndObject:
                    case JsonToken.EndArray:
                        if (lastComma >= 0)
                            Error("trailing comma: JSON does not allow a comma before a closing bracket", lastComma);
                        var finished = containers.Pop();
                        pendingNames.Pop();
                        Attach(finished);
                        continue;

                    case JsonToken.StartObject:
                        containers.Push(new JsonObjectNode(line, column));
                        pendingNames.Push(null);
                        continue;

                    case JsonToken.StartArray:
                        containers.Push(new JsonArrayNode(line, column));
                        pendingNames.Push(null);
                        continue;

                    case JsonToken.String:
                        if (text[start] != '"')
                            Error("strings must be in double quotes", start);
                        Attach(new JsonScalarNode(line, column, JsonScalarKind.String, reader.Value, text[start..end]));
                        continue;

                    case JsonToken.Integer:
                    case JsonToken.Float:
                        var source = text[start..end];
                        if (!StandardJsonNumber().IsMatch(source))
                            Error($"{source} is not a JSON number (no NaN, Infinity, hex, leading zeros or '+')", start);
                        var kind = reader.TokenType == JsonToken.Integer ? JsonScalarKind.Integer : JsonScalarKind.Float;
                        Attach(new JsonScalarNode(line, column, kind, reader.Value, source));
                        continue;

                    case JsonToken.Boolean:
                        Attach(new JsonScalarNode(line, column, JsonScalarKind.Boolean, reader.Value, text[start..end]));
                        continue;

                    case JsonToken.Null:
                        Attach(new JsonScalarNode(line, column, JsonScalarKind.Null, null, "null"));
                        continue;

                    default:
                        // undefined, constructors (new Date(...)), raw: JavaScript, not JSON.
                        diagnostics.Error(PolicyErrors.InvalidJson, $"'{text[start..end].Trim()}' is not JSON", file, line, column);
                        return null;
                }
            }
        }
        catch (JsonReaderException e)
        {
            diagnostics.Error(PolicyErrors.InvalidJson, $"invalid JSON: {WithoutPosition(e.Message)}", file,
                Math.Max(1, e.LineNumber), Math.Max(1, e.LinePosition));
            return null;
        }

        if (root is null && containers.Count > 0)
        {
            // Cut short (a truncated copy, an unfinished edit): say so, and where the open bracket is.
            var outermost = containers.Last();
            var (endLine, endColumn) = lines.PositionOf(text.TrimEnd().Length);
            diagnostics.Error(PolicyErrors.InvalidJson,
                $"the policy file ends before its JSON is complete: the {(outermost is JsonArrayNode ? "'['" : "'{'")} at line {outermost.Line}, " +
                $"column {outermost.Column} is never closed", file, endLine, endColumn);
        }
        else if (root is null)
            diagnostics.Error(PolicyErrors.InvalidJson, "the policy file is empty; expected a JSON object", file, 1, 1);
        return root;

        void Attach(JsonSourceNode node)
        {
            if (containers.Count == 0)
            {
                root = node;
                return;
            }

            switch (containers.Peek())
            {
                case JsonArrayNode array:
                    array.Add(node);
                    break;
                case JsonObjectNode obj:
                    var (name, nameLine, nameColumn) = pendingNames.Peek()!.Value;
                    var first = obj.Find(name);
                    if (first is null)
                        obj.Add(new JsonSourceProperty(name, nameLine, nameColumn, node));
                    else
                        diagnostics.Error(PolicyErrors.DuplicateKey,
                            $"duplicate key '{name}': it first appears at line {first.Line}, column {first.Column}",
                            file, nameLine, nameColumn);
                    break;
            }
        }
    }

    /// <summary>
    /// Newtonsoft reports where a token ends; its start is the first character after the previous
    /// token that is not whitespace or a separator. Remembers the last comma so a trailing one
    /// before '}' or ']' can be reported where it is.
    /// </summary>
    private static int SkipSeparators(string text, int from, int limit, out int lastComma)
    {
        lastComma = -1;
        var i = from;
        while (i < limit && (char.IsWhiteSpace(text[i]) || text[i] == ',' || text[i] == ':' || text[i] == '\uFEFF'))
        {
            if (text[i] == ',') lastComma = i;
            i++;
        }
        return Math.Min(i, Math.Max(limit - 1, 0));
    }

    /// <summary>Newtonsoft appends "Path 'x', line 1, position 5." — the diagnostic carries those already.</summary>
    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" Path '", StringComparison.Ordinal);
        if (at < 0) at = message.IndexOf(", line ", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).TrimEnd('.', ' ');
    }
}
