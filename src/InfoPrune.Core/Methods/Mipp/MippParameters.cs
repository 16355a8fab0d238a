using System.Collections.Immutable;
using InfoPrune.Core.Information;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>
/// Parameters of <c>mipp</c>: the confidence of the removal test, how the reconstruction
/// predictors are shaped and trained, and how conv maps become one number per channel.
/// The defaults trade the paper's long predictor training (1500 + 150 steps per unit) for a
/// planning time of about one fine-tuning epoch on a ResNet-20.
/// </summary>
public sealed record MippParameters : MethodParameters
{
    /// <summary>
    /// Confidence α that a unit transfers information to the next layer, needed to keep it, in
    /// (0, 1). A unit stays only when the lower α-confidence bound of its loss increase is above 0,
    /// so a higher α prunes more. Default 0.9. Searched instead when the target is a budget.
    /// </summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>Independent predictors (seeds and mini-batches) whose loss changes the test averages. At least 2. Default 3.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Hidden widths of the reconstruction predictor MLP. Default [256, 256] (the paper's).</summary>
    public ImmutableArray<int> Hidden { get; init; } = ImmutableArray.Create(256, 256);

    /// <summary>Adam steps of the first fit of a layer's predictors. Default 200.</summary>
    public int FitSteps { get; init; } = 200;

    /// <summary>Most Adam steps of the brief retraining after a unit is masked (it stops as soon as the loss has recovered). Default 20.</summary>
    public int RetrainSteps { get; init; } = 20;

    /// <summary>Adam steps of the single-unit predictors that order the units by information. Default 35 (the paper's).</summary>
    public int OrderingSteps { get; init; } = 35;

    /// <summary>
    /// Stop testing a layer after this many units in a row were kept: the units left are the most
    /// informative ones and stay. 0 tests every unit. Default 8.
    /// </summary>
    public int StopAfterKept { get; init; } = 8;

    /// <summary>Most calibration samples the predictors are fitted on (a quarter is held out to judge the loss). Default 512.</summary>
    public int Samples { get; init; } = 512;

    /// <summary>Mini-batch size of predictor training. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate of predictor training. Default 0.001.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>How a conv feature map becomes one number per channel and sample. Default L1 (the paper's choice).</summary>
    public ChannelCollapseMode Collapse { get; init; } = ChannelCollapseMode.L1;

    internal static readonly NamedChoices<ChannelCollapseMode> CollapseNames = new(
        ("l1", ChannelCollapseMode.L1), ("l2", ChannelCollapseMode.L2), ("mean", ChannelCollapseMode.Mean), ("std", ChannelCollapseMode.StandardDeviation));

    // ImmutableArray compares by reference; parameters compare by content.
    public bool Equals(MippParameters? other) =>
        other is not null && Alpha == other.Alpha && Repeats == other.Repeats && Hidden.SequenceEqual(other.Hidden)
        && FitSteps == other.FitSteps && RetrainSteps == other.RetrainSteps && OrderingSteps == other.OrderingSteps
        && StopAfterKept == other.StopAfterKept && Samples == other.Samples && BatchSize == other.BatchSize
        && LearningRate == other.LearningRate && Collapse == other.Collapse;

    public override int GetHashCode() => HashCode.Combine(Alpha, Repeats, Hidden.Length, FitSteps, RetrainSteps, Samples, Collapse);

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var parameters = new MippParameters
        {
            Alpha = reader.Number("alpha", 0.9, NumberRule.OpenFraction),
            Repeats = reader.Integer("repeats", 3, 2, 64),
            Hidden = reader.IntegerArray("hidden", 1, 4096, 1, 8) ?? ImmutableArray.Create(256, 256),
            FitSteps = reader.Integer("fitSteps", 200, 1, 1_000_000),
            RetrainSteps = reader.Integer("retrainSteps", 20, 1, 1_000_000),
            OrderingSteps = reader.Integer("orderingSteps", 35, 1, 1_000_000),
            StopAfterKept = reader.Integer("stopAfterKept", 8, 0),
            Samples = reader.Integer("samples", 512, 16, 1_000_000),
            BatchSize = reader.Integer("batchSize", 128, 1, 1_000_000),
            LearningRate = reader.Number("learningRate", 1e-3, NumberRule.Positive),
            Collapse = reader.Choice("collapse", ChannelCollapseMode.L1, CollapseNames),
        };
        reader.Finish();
        return parameters;
    }
}
