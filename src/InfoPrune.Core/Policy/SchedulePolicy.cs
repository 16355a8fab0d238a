namespace InfoPrune.Core.Policy;

/// <summary>How the learning rate evolves over fine-tuning. JSON: "constant", "step", "cosine".</summary>
public enum ScheduleKind
{
    Constant,
    /// <summary>Multiply by <see cref="SchedulePolicy.Gamma"/> every <see cref="SchedulePolicy.StepSize"/> epochs.</summary>
    Step,
    /// <summary>Cosine annealing from the initial rate to 0 over all epochs.</summary>
    Cosine,
}

/// <summary>
/// The <c>fineTune.schedule</c> value: a name ("cosine") or an object
/// (<c>{ "name": "step", "stepSize": 2, "gamma": 0.5 }</c>).
/// </summary>
public sealed record SchedulePolicy
{
    public static readonly SchedulePolicy Default = new();

    public ScheduleKind Name { get; init; } = ScheduleKind.Constant;

    /// <summary>Epochs between decays (step only). Default 1.</summary>
    public int StepSize { get; init; } = 1;

    /// <summary>Decay factor in (0, 1] (step only). Default 0.1.</summary>
    public double Gamma { get; init; } = 0.1;
}
