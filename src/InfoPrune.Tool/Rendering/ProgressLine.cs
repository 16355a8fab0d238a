using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Pipeline;

namespace InfoPrune.Tool.Rendering;

/// <summary>
/// Progress on the error stream: one rewritten line on a terminal; when redirected (MSBuild, CI
/// logs) a plain line per step and per tenth of a long step, so logs stay short.
/// </summary>
internal sealed class ProgressLine : IProgress<PipelineProgress>, IProgress<NeuronAnalysisProgress>
{
    private readonly TextWriter _writer;
    private readonly bool _live;
    private string? _lastStep;
    private int _lastTenth = -1;

    public ProgressLine(TextWriter writer, bool live) { _writer = writer; _live = live; }

    public void Report(PipelineProgress value) => Show(value.Step, value.Message, value.Fraction);

    public void Report(NeuronAnalysisProgress value) => Show(value.Step, value.Message, value.Fraction);

    private void Show(string step, string message, double? fraction)
    {
        lock (_writer)
        {
            if (_live)
            {
                var percent = fraction is { } f ? $" {f * 100:0}%" : "";
                _writer.Write($"\r\u001b[2K[{step}]{percent} {message}");
                return;
            }
            var tenth = fraction is { } p ? (int)(p * 10) : -1;
            if (step == _lastStep && tenth == _lastTenth) return;
            _lastStep = step;
            _lastTenth = tenth;
            _writer.WriteLine($"infoprune: [{step}] {message}");
        }
    }

    /// <summary>
    /// A warning, on a line of its own in MSBuild's canonical form (the build task turns it into a
    /// build warning with its code).
    /// </summary>
    public void Warn(Diagnostic warning)
    {
        lock (_writer)
        {
            if (_live) _writer.Write("\r\u001b[2K");
            _writer.WriteLine(warning.ToCanonicalString());
        }
    }

    /// <summary>Ends the live line so what follows starts on its own.</summary>
    public void Finish()
    {
        if (_live) _writer.WriteLine();
    }
}
