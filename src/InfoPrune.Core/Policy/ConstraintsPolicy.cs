using System.Collections.Immutable;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>constraints</c> section: limits every plan respects whatever the method scores.
/// </summary>
public sealed record ConstraintsPolicy
{
    public static readonly ConstraintsPolicy Default = new();

    /// <summary>Channels every group keeps at least. Default 1, so no layer disappears.</summary>
    public int MinChannels { get; init; } = 1;

    /// <summary>
    /// The largest fraction of one group that may be pruned, in [0, 1]. Default 0.9: a group cut to
    /// under a tenth becomes a bottleneck that fine-tuning rarely recovers from.
    /// </summary>
    public double MaxRatio { get; init; } = 0.9;

    /// <summary>Nodes whose channel groups are never pruned. Default none.</summary>
    public ImmutableArray<NodeSelector> Exclude { get; init; } = ImmutableArray<NodeSelector>.Empty;

    /// <summary>
    /// Kept channel counts are rounded up to a multiple of this; null is <c>"auto"</c> (the
    /// default): rounded up to a width that ONNX Runtime runs fast on this machine, from the
    /// measured <see cref="MeasuredWidths"/>.
    /// </summary>
    public int? RoundTo { get; init; }

    /// <summary>True for <c>"roundTo": "auto"</c>.</summary>
    public bool RoundsToMeasuredWidths => RoundTo is null;

    /// <summary>
    /// How a MACs, parameter or latency budget is shared between layers. Default
    /// <see cref="LayerAllocation.Auto"/>: the method's own way (see <see cref="LayerAllocation"/>).
    /// </summary>
    public LayerAllocation Allocation { get; init; } = LayerAllocation.Auto;

    /// <summary>
    /// Not read from the policy: each group's measured cost of losing units, which
    /// <see cref="LayerAllocation.Sensitivity"/> allocates by. Null until the pipeline's sensitivity pass ran.
    /// </summary>
    public LayerSensitivity? Sensitivity { get; init; }

    /// <summary>
    /// Not read from the policy: the widths measured on this machine for the model being pruned,
    /// which <c>"auto"</c> rounds to. Null until measured (or when timing is switched off), and
    /// then <c>"auto"</c> keeps counts as they are.
    /// </summary>
    public ChannelWidths? MeasuredWidths { get; init; }

    /// <summary>
    /// Not a policy key: during iterative pruning, the width each group (by name) had in the model
    /// the run started from, so that <see cref="MaxRatio"/> bounds what the whole run removes, not
    /// what each step removes from the step before. Null in a one-shot run.
    /// </summary>
    public IReadOnlyDictionary<string, int>? OriginalSizes { get; init; }

    // ImmutableArray compares by reference; a policy compares by content.
    public bool Equals(ConstraintsPolicy? other) =>
        other is not null && MinChannels == other.MinChannels && MaxRatio == other.MaxRatio
        && Exclude.SequenceEqual(other.Exclude) && RoundTo == other.RoundTo && Equals(MeasuredWidths, other.MeasuredWidths)
        && Allocation == other.Allocation && Equals(Sensitivity, other.Sensitivity);

    public override int GetHashCode() => HashCode.Combine(MinChannels, MaxRatio, Exclude.Length, RoundTo, Allocation);
}

/// <summary>
/// How a budget (MACs, parameters, latency) is shared between layers. JSON: "auto", "uniform",
/// "global", "sensitivity". A ratio target keeps the same fraction of every group whatever this says.
/// </summary>
public enum LayerAllocation
{
    /// <summary>
    /// The method's own way: global ranking for l1, l2 and random; a uniform ratio for the
    /// information measures (hybrid's shallow:deep rates with <c>splitRates</c>).
    /// </summary>
    Auto,
    /// <summary>Every group keeps the same fraction (the largest that meets the budget).</summary>
    Uniform,
    /// <summary>The lowest scores anywhere go first, each group's scores divided by their mean.</summary>
    Global,
    /// <summary>
    /// Each group's cost of losing units is measured on calibration data (loss rise with its
    /// lowest-scoring units removed, the rest whole), and the budget is met at the least total cost.
    /// </summary>
    Sensitivity,
}
