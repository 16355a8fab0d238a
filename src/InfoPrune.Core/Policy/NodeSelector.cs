using System.Text.RegularExpressions;

namespace InfoPrune.Core.Policy;

/// <summary>
/// One entry of <c>constraints.exclude</c>: an exact ONNX node name, or a regular expression
/// written between slashes ("/^layer4\./") that may match anywhere in the name.
/// </summary>
public sealed record NodeSelector
{
    private readonly Regex? _regex;

    private NodeSelector(string text, Regex? regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>As written in the policy, slashes included.</summary>
    public string Text { get; }

    public bool IsRegex => _regex is not null;

    public static NodeSelector Exact(string name) => new(name, null);

    /// <summary>A pattern; throws <see cref="ArgumentException"/> when it is not a valid regex.</summary>
    public static NodeSelector Pattern(string pattern) =>
        // A timeout, because exclusion patterns run against every node name of untrusted models.
        new($"/{pattern}/", new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    /// <summary>
    /// Reads a selector as users write it: "/pattern/" is a regular expression, anything else an
    /// exact node name. Returns null with <paramref name="error"/> set for an empty or invalid pattern.
    /// </summary>
    public static NodeSelector? Parse(string text, out string? error)
    {
        error = null;
        if (text.Length < 2 || !text.StartsWith('/') || !text.EndsWith('/')) return Exact(text);
        var pattern = text[1..^1];
        if (pattern.Length == 0)
        {
            error = "\"//\" is an empty pattern that would select every node";
            return null;
        }
        try
        {
            return Pattern(pattern);
        }
        catch (ArgumentException e)
        {
            error = $"not a valid regular expression: {e.Message}";
            return null;
        }
    }

    /// <summary>True when this entry selects the node called <paramref name="nodeName"/>.</summary>
    public bool Matches(string nodeName) =>
        _regex?.IsMatch(nodeName) ?? string.Equals(Text, nodeName, StringComparison.Ordinal);

    // Two selectors are equal when written alike; Regex instances never compare equal.
    public bool Equals(NodeSelector? other) => other is not null && Text == other.Text && IsRegex == other.IsRegex;

    public override int GetHashCode() => HashCode.Combine(Text, IsRegex);

    public override string ToString() => Text;
}
