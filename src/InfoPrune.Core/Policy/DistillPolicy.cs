namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>fineTune.distill</c> section: knowledge distillation from the unpruned model,
/// loss = (1 − Weight)·CE + Weight·T²·KL(teacher_T ‖ student_T).
/// </summary>
public sealed record DistillPolicy
{
    public static readonly DistillPolicy Default = new();

    /// <summary>Share of the distillation term in [0, 1]; 0 (default) turns distillation off.</summary>
    public double Weight { get; init; }

    /// <summary>Softmax temperature T &gt; 0. Default 4.</summary>
    public double Temperature { get; init; } = 4.0;

    public bool Enabled => Weight > 0;
}
