using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Training;

/// <summary>
/// Everything the <see cref="Trainer"/> needs to know, independent of how a policy spells it.
/// Build one from a policy with <see cref="From"/>, or directly in code and tests.
/// </summary>
public sealed record FineTuneOptions
{
    /// <summary>Passes over the training data; 0 trains nothing.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per optimizer step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Use only the first this-many training samples (before shuffling); null for all.</summary>
    public int? SampleLimit { get; init; }

    /// <summary>The optimizer family.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The initial learning rate, &gt; 0.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>SGD momentum in [0, 1); ignored by Adam and AdamW.</summary>
    public double Momentum { get; init; }

    /// <summary>SGD with Nesterov momentum (needs <see cref="Momentum"/> &gt; 0); ignored by Adam and AdamW.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty (SGD, Adam) or decoupled weight decay (AdamW), ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>How the learning rate evolves; see <see cref="LearningRateSchedule"/>.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Epochs between decays of the step schedule, ≥ 1.</summary>
    public int StepSize { get; init; } = 1;

    /// <summary>Decay factor of the step schedule, in (0, 1].</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Share of the distillation term in [0, 1]; 0 trains on the labels alone and needs no teacher.</summary>
    public double DistillWeight { get; init; }

    /// <summary>Softmax temperature of the distillation term, &gt; 0.</summary>
    public double DistillTemperature { get; init; } = 4.0;

    /// <summary>Seeds libtorch's generator and the per-epoch shuffle: the same seed gives the same weights, bit for bit.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Steps between progress reports (and reads of the loss from the device, which are also the
    /// points where a non-finite loss is noticed). The last step of each epoch always reports.
    /// </summary>
    public int ProgressInterval { get; init; } = 10;

    /// <summary>
    /// Which part of the run this call trains, for iterative pruning: the optimizer steps from
    /// <c>From</c> to <c>To</c> (fractions of the steps of <see cref="Epochs"/> epochs, 0 ≤ From &lt; To ≤ 1).
    /// The learning-rate schedule and the shuffle order are those of the whole run, so consecutive
    /// segments together take exactly the steps, rates and batches one uninterrupted run would.
    /// Default: the whole run.
    /// </summary>
    public (double From, double To) Segment { get; init; } = (0, 1);

    /// <summary>Whether a teacher model takes part in training.</summary>
    public bool Distills => DistillWeight > 0;

    /// <summary>The fine-tune section of a policy, with the run's seed.</summary>
    public static FineTuneOptions From(FineTunePolicy policy, int seed)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new FineTuneOptions
        {
            Epochs = policy.Epochs,
            BatchSize = policy.BatchSize,
            Optimizer = policy.Optimizer.Name,
            LearningRate = policy.Optimizer.Lr,
            Momentum = policy.Optimizer.Momentum,
            Nesterov = policy.Optimizer.Nesterov,
            WeightDecay = policy.Optimizer.WeightDecay,
            Schedule = policy.Schedule.Name,
            StepSize = policy.Schedule.StepSize,
            Gamma = policy.Schedule.Gamma,
            DistillWeight = policy.Distill.Weight,
            DistillTemperature = policy.Distill.Temperature,
            Seed = seed,
        };
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for values no policy can produce (the policy
    /// reader reports user mistakes with their line and column long before training starts).
    /// </summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (SampleLimit is < 1) throw new ArgumentOutOfRangeException(nameof(SampleLimit), SampleLimit, "must be positive");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be a positive number");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "must lie in [0, 1)");
        if (Nesterov && Optimizer == OptimizerKind.Sgd && Momentum == 0) throw new ArgumentOutOfRangeException(nameof(Nesterov), "Nesterov momentum needs a momentum above 0");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "must be 0 or more");
        ArgumentOutOfRangeException.ThrowIfLessThan(StepSize, 1, nameof(StepSize));
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "must lie in (0, 1]");
        if (!(DistillWeight >= 0 && DistillWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(DistillWeight), DistillWeight, "must lie in [0, 1]");
        if (!(DistillTemperature > 0) || !double.IsFinite(DistillTemperature)) throw new ArgumentOutOfRangeException(nameof(DistillTemperature), DistillTemperature, "must be a positive number");
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgressInterval, 1, nameof(ProgressInterval));
        if (!(Segment.From >= 0 && Segment.From < Segment.To && Segment.To <= 1)) throw new ArgumentOutOfRangeException(nameof(Segment), Segment, "must satisfy 0 ≤ from < to ≤ 1");
    }
}
