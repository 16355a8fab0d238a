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

    /// <summary>
    /// Whether layers whose BatchNorm an exporter folded away get one back while fine-tuning
    /// (folded into the weights again before the file is written). Default <see cref="BatchNormMode.Auto"/>.
    /// </summary>
    public BatchNormMode BatchNorm { get; init; } = BatchNormMode.Auto;
}

/// <summary>The <c>fineTune.batchNorm</c> value. JSON: "auto", "off".</summary>
public enum BatchNormMode
{
    /// <summary>Every Conv (and affine Gemm) whose output reaches no BatchNormalization gets one for fine-tuning, except the classifier head.</summary>
    Auto,
    /// <summary>Fine-tune the layers as the file has them.</summary>
    Off,
}
