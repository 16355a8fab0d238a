using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Information;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Streams one group's collapsed unit values into <see cref="JointCounts"/>. Quantizers that need
/// data (k bins, or a median threshold when no activation fixes one) are fitted on the first
/// <see cref="MeasurementOptions.FitSamples"/> rows, which are buffered and then counted like the
/// rest; so the result equals one pass with those quantizers, and memory stays bounded.
/// </summary>
internal sealed class GroupCountsAccumulator
{
    private readonly int _units;
    private readonly int _classes;
    private readonly MeasurementOptions _options;
    private readonly string? _thresholdActivation;
    private readonly List<(float[] Values, int[] Labels)> _pending = new();
    private int _pendingRows;
    private JointCounts? _counts;

    public GroupCountsAccumulator(int units, int classes, string? activation, MeasurementOptions options, bool collapsed = false)
    {
        _units = units;
        _classes = classes;
        _options = options;
        // A collapsed map (a conv channel's mean, norm or max over H·W) is not one neuron's output:
        // after ReLU it is positive for almost every sample, so the activation's threshold of 0
        // would make every channel a constant with no information. Such units are split at their
        // median instead (the paper's thresholds are for single neurons).
        _thresholdActivation = collapsed ? null : ThresholdActivation(activation, options.Collapse);
        if (options.Quantizer.IsOneBit && (options.Quantizer.Threshold is not null || ActivationThresholds.TryGetDefault(_thresholdActivation, out _)))
            Start(ReadOnlySpan<float>.Empty);
    }

    /// <summary>The quantizers in use (null until fitted).</summary>
    public IReadOnlyList<Quantizer>? Quantizers { get; private set; }

    /// <summary>
    /// The activation whose default threshold may be used. Norms (L1, L2) of a map are never
    /// negative and grow with H·W, so only the 0 of an activation that is exactly 0 when inactive
    /// (ReLU: all-zero map or not) keeps its meaning under them; other activations then fall back
    /// to the median (see <see cref="ChannelCollapseMode"/>).
    /// </summary>
    private static string? ThresholdActivation(string? activation, ChannelCollapseMode collapse) =>
        collapse is ChannelCollapseMode.L1 or ChannelCollapseMode.L2 && OpRegistry.Default.FindActivationKind(activation)?.ZeroWhenInactive != true
            ? null
            : activation;

    /// <summary>Adds a batch of [rows × units] values with their labels; the arrays are kept until fitted, so pass fresh ones.</summary>
    public void Add(float[] values, int[] labels)
    {
        if (_counts != null)
        {
            _counts.Add(values, labels);
            return;
        }
        _pending.Add((values, labels));
        _pendingRows += labels.Length;
        if (_pendingRows >= _options.FitSamples) Flush();
    }

    /// <summary>The counts over every row added.</summary>
    public JointCounts Finish()
    {
        if (_counts == null) Flush();
        return _counts!;
    }

    private void Flush()
    {
        var sample = new float[_pendingRows * _units];
        var at = 0;
        foreach (var (values, _) in _pending)
        {
            values.CopyTo(sample, at);
            at += values.Length;
        }
        Start(sample);
        foreach (var (values, labels) in _pending) _counts!.Add(values, labels);
        _pending.Clear();
        _pendingRows = 0;
    }

    private void Start(ReadOnlySpan<float> sample)
    {
        var quantizer = _options.Quantizer;
        if (!quantizer.IsOneBit && sample.IsEmpty)
            throw new InfoPrune.Core.Diagnostics.InfoPruneException(MeasurementErrors.NoCalibrationSamples, "No calibration samples to fit the quantizer bins on.");
        Quantizers = quantizer.IsOneBit
            ? QuantizerFitting.Thresholds(sample, _units, _thresholdActivation, (float?)quantizer.Threshold)
            : QuantizerFitting.Bins(sample, _units, quantizer.Bins!.Value,
                quantizer.Binning == Binning.EqualFrequency ? BinningMode.EqualFrequency : BinningMode.EqualWidth);
        _counts = new JointCounts(Quantizers, _classes);
    }
}
