namespace InfoPrune.Core.Training;

/// <summary>
/// Where a fine-tuning run stands, for a live display. Counts are 1-based, as a display shows them
/// ("epoch 1/2, step 10/20").
/// </summary>
/// <param name="Epoch">The current epoch, 1 to <paramref name="Epochs"/>.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Step">Steps done in the current epoch, 1 to <paramref name="StepsPerEpoch"/>.</param>
/// <param name="StepsPerEpoch">Steps in each epoch.</param>
/// <param name="RunningLoss">The mean training loss per sample over the epoch so far.</param>
/// <param name="LearningRate">The rate the latest step used.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double RunningLoss, double LearningRate)
{
    /// <summary>Steps done in the whole run.</summary>
    public int CompletedSteps => (Epoch - 1) * StepsPerEpoch + Step;

    /// <summary>Steps in the whole run.</summary>
    public int TotalSteps => Epochs * StepsPerEpoch;
}
