namespace InfoPrune.Core.Policy;

/// <summary>The <c>fineTune</c> section: training of the pruned model before the gate.</summary>
public sealed record FineTunePolicy
{
    public static readonly FineTunePolicy Default = new();

    /// <summary>
    /// Passes over the training data; 0 skips fine-tuning. Default 1: one pass recovers most of
    /// what pruning costs, and a policy that wants none says so.
    /// </summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    public OptimizerPolicy Optimizer { get; init; } = OptimizerPolicy.Default;
    public SchedulePolicy Schedule { get; init; } = SchedulePolicy.Default;
    public DistillPolicy Distill { get; init; } = DistillPolicy.Default;
}
