using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Training;

/// <summary>
/// The learning rate of every optimizer step of a run, as a closed-form function of the step index,
/// so a rate never depends on how many times a scheduler object was advanced:
/// <list type="bullet">
/// <item><b>constant</b>: the initial rate throughout.</item>
/// <item><b>step</b>: multiplied by <c>gamma</c> at the start of every <c>stepSize</c>-th epoch
/// (PyTorch's StepLR stepped once per epoch).</item>
/// <item><b>cosine</b>: annealed <i>per step</i> over the whole run,
/// <c>rate(t) = initial · ½(1 + cos(π t / T))</c> for step t of T (PyTorch's CosineAnnealingLR with
/// <c>T_max</c> = all steps, stepped per batch). Per step rather than per epoch because fine-tuning
/// often runs one or two epochs, where a per-epoch cosine would barely move.
/// The first step uses the initial rate and the rate after the last step is 0.</item>
/// </list>
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>A schedule over <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps.</summary>
    public LearningRateSchedule(ScheduleKind kind, double initialRate, int epochs, int stepsPerEpoch, int stepSize = 1, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        Kind = kind;
        InitialRate = initialRate;
        StepsPerEpoch = stepsPerEpoch;
        TotalSteps = epochs * stepsPerEpoch;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The schedule <paramref name="options"/> describe, for epochs of <paramref name="stepsPerEpoch"/> steps.</summary>
    public static LearningRateSchedule For(FineTuneOptions options, int stepsPerEpoch) =>
        new(options.Schedule, options.LearningRate, options.Epochs, stepsPerEpoch, options.StepSize, options.Gamma);

    public ScheduleKind Kind { get; }
    public double InitialRate { get; }
    public int StepsPerEpoch { get; }
    public int StepSize { get; }
    public double Gamma { get; }

    /// <summary>Steps in the whole run.</summary>
    public int TotalSteps { get; }

    /// <summary>
    /// The rate of step <paramref name="step"/> (0-based, counted over the whole run);
    /// <see cref="TotalSteps"/> gives the rate after the last step.
    /// </summary>
    public double RateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Kind switch
        {
            ScheduleKind.Step => InitialRate * Math.Pow(Gamma, step / StepsPerEpoch / StepSize),
            ScheduleKind.Cosine when TotalSteps > 0 =>
                InitialRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, TotalSteps) / TotalSteps)),
            _ => InitialRate,
        };
    }
}
