using InfoPrune.Core.Information;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Methods.Information;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// How the calibration pass turns activations into the per-unit joint counts: how a unit's
/// output is quantized, how a conv map collapses to one number per channel and sample, and how
/// many samples fit the quantizers that need data (bins, median thresholds).
/// </summary>
public sealed record MeasurementOptions
{
    /// <summary>One bit at the activation's threshold, mean collapse, 512 fitting samples.</summary>
    public static MeasurementOptions Default { get; } = new();

    /// <summary>One bit (the paper's choice, Section 3 and Appendix C) or k bins.</summary>
    public QuantizerPolicy Quantizer { get; init; } = QuantizerPolicy.OneBit;

    /// <summary>How a channel's block of entries (H·W map, or H·W Gemm inputs behind a Flatten) becomes one value.</summary>
    public ChannelCollapseMode Collapse { get; init; } = ChannelCollapseMode.Mean;

    /// <summary>
    /// Samples buffered (from the first batches) to fit bins or median thresholds before counting;
    /// fixed activation thresholds need none. Bounds the pass's extra memory to this many rows per group.
    /// </summary>
    public int FitSamples { get; init; } = 512;

    /// <summary>Number of classes; null reads it from the width of the model's first output.</summary>
    public int? ClassCount { get; init; }

    /// <summary>The options a method's policy settings ask for.</summary>
    public static MeasurementOptions From(MeasureSettings settings) => new()
    {
        Quantizer = settings.Quantizer,
        Collapse = settings.Collapse switch
        {
            Methods.Information.ChannelCollapse.Mean => ChannelCollapseMode.Mean,
            Methods.Information.ChannelCollapse.L1 => ChannelCollapseMode.L1,
            Methods.Information.ChannelCollapse.L2 => ChannelCollapseMode.L2,
            Methods.Information.ChannelCollapse.Max => ChannelCollapseMode.Max,
            _ => throw new ArgumentOutOfRangeException(nameof(settings)),
        },
    };
}
