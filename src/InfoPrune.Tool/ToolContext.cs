namespace InfoPrune.Tool;

/// <summary>
/// What every command writes to and draws on in one run: the output streams, whether the output is
/// a terminal (tables) or redirected (plain text), how datasets are opened, and the run's stop signal.
/// </summary>
internal sealed record ToolContext(TextWriter Out, TextWriter Error, bool RichOutput, IDatasetOpener Datasets)
{
    /// <summary>Ctrl+C and SIGTERM: a command that writes files stops through this and cleans up.</summary>
    public StopRequest Stop { get; } = new();
}

/// <summary>
/// A request to stop, from Ctrl+C or SIGTERM. A command that writes files marks itself
/// <see cref="Cooperative"/> while it runs, so a signal cancels its token and it stops between
/// steps, removing what it started; other commands only read, so the signal ends the process at
/// once with the cancellation's canonical line.
/// </summary>
internal sealed class StopRequest : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CancellationToken Token => _source.Token;

    /// <summary>True while the running command honours <see cref="Token"/>.</summary>
    public bool Cooperative { get; set; }

    public void Request() => _source.Cancel();

    public void Dispose() => _source.Dispose();
}
