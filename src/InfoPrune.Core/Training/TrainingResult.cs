namespace InfoPrune.Core.Training;

/// <summary>What one epoch of fine-tuning achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="MeanLoss">The training loss averaged over the epoch's samples.</param>
/// <param name="Accuracy">The share of the epoch's samples the model classified right while training on them (train mode).</param>
/// <param name="LearningRate">The rate of the epoch's last step.</param>
public sealed record EpochSummary(int Epoch, double MeanLoss, double Accuracy, double LearningRate);

/// <summary>The outcome of a fine-tuning run; the trained weights stay in the executor (see <c>GraphExecutor.ToModel</c>).</summary>
/// <param name="Epochs">One summary per epoch, in order.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Images">Training samples processed (counting each epoch).</param>
/// <param name="Seconds">Wall-clock time of the training loop.</param>
public sealed record TrainingResult(IReadOnlyList<EpochSummary> Epochs, int Steps, long Images, double Seconds)
{
    /// <summary>Training throughput.</summary>
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;

    /// <summary>Optimizer steps per second.</summary>
    public double StepsPerSecond => Seconds > 0 ? Steps / Seconds : 0;

    /// <summary>A run that trained nothing (zero epochs).</summary>
    public static TrainingResult Empty { get; } = new(Array.Empty<EpochSummary>(), 0, 0, 0);
}
