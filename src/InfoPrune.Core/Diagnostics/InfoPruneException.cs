namespace InfoPrune.Core.Diagnostics;

/// <summary>
/// The one exception type the engine throws for problems a user can act on. It carries every
/// diagnostic found (not only the first), so callers print them all and exit with the code of the
/// most severe kind.
/// </summary>
public sealed class InfoPruneException : Exception
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public InfoPruneException(Diagnostic diagnostic, Exception? inner = null)
        : this(new[] { diagnostic }, inner) { }

    public InfoPruneException(ErrorCode code, string message, string? file = null, int line = 0, int column = 0)
        : this(new Diagnostic(code, message, file, line, column)) { }

    public InfoPruneException(IEnumerable<Diagnostic> diagnostics, Exception? inner = null)
        : base(Summarize(diagnostics as IReadOnlyList<Diagnostic> ?? diagnostics.ToList()), inner)
    {
        Diagnostics = diagnostics as IReadOnlyList<Diagnostic> ?? diagnostics.ToList();
        if (Diagnostics.Count == 0) throw new ArgumentException("at least one diagnostic is required", nameof(diagnostics));
    }

    /// <summary>The code of the first error, which decides the exit code together with the others' kinds.</summary>
    public ErrorCode Code => Diagnostics[0].Code;

    /// <summary>Exit code: unsupported model beats gate failure beats bad input; internal errors win over all.</summary>
    public int ExitCode
    {
        get
        {
            var kinds = Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Code.Kind).ToHashSet();
            if (kinds.Contains(ErrorKind.Internal)) return ExitCodes.Internal;
            if (kinds.Contains(ErrorKind.UnsupportedModel)) return ExitCodes.UnsupportedModel;
            if (kinds.Contains(ErrorKind.GateFailed)) return ExitCodes.GateFailed;
            return ExitCodes.BadInput;
        }
    }

    private static string Summarize(IReadOnlyList<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToCanonicalString()));
}

/// <summary>Collects diagnostics while checking, then throws them all at once.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);
    public void Error(ErrorCode code, string message, string? file = null, int line = 0, int column = 0) =>
        _items.Add(new Diagnostic(code, message, file, line, column));
    public void Warning(ErrorCode code, string message, string? file = null, int line = 0, int column = 0) =>
        _items.Add(new Diagnostic(code, message, file, line, column, Severity.Warning));

    /// <summary>Throws an <see cref="InfoPruneException"/> with every error collected, if any.</summary>
    public void ThrowIfErrors()
    {
        if (HasErrors) throw new InfoPruneException(_items.Where(d => d.Severity == Severity.Error).ToList());
    }
}
