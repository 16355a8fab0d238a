namespace InfoPrune.Core.Diagnostics;

public enum Severity { Error, Warning }

/// <summary>
/// One problem found, with where it is: a file and optionally a line/column (policies, text
/// inputs) or a node name (models). Rendered in MSBuild's canonical form so the build task maps
/// it without parsing free text.
/// </summary>
public sealed record Diagnostic(
    ErrorCode Code,
    string Message,
    string? File = null,
    int Line = 0,
    int Column = 0,
    Severity Severity = Severity.Error)
{
    /// <summary><c>file(line,col): error IP0123: text</c>, the form MSBuild recognises.</summary>
    public string ToCanonicalString()
    {
        var origin = File ?? "infoprune";
        if (File != null && Line > 0)
            origin += Column > 0 ? $"({Line},{Column})" : $"({Line})";
        var level = Severity == Severity.Error ? "error" : "warning";
        // Newlines would split one diagnostic into several lines for MSBuild; keep it on one.
        var text = Message.Replace("\r", " ").Replace("\n", " ");
        return $"{origin}: {level} {Code.Id}: {text}";
    }

    public override string ToString() => ToCanonicalString();
}
