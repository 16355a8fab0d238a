using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Training;

/// <summary>Codes for problems found while fine-tuning (IP0600-IP0649).</summary>
public static class TrainingErrors
{
    /// <summary>The loss became NaN or infinite: almost always a learning rate too high for the model.</summary>
    public static readonly ErrorCode LossNotFinite = ErrorCode.Input(600);

    /// <summary>The model's (first) output is not a [batch, classes] matrix of class scores, so it cannot be trained with cross-entropy.</summary>
    public static readonly ErrorCode OutputNotClassScores = ErrorCode.Unsupported(601);

    /// <summary>A training label is not below the number of classes the model outputs.</summary>
    public static readonly ErrorCode LabelBeyondOutputs = ErrorCode.Input(602);

    /// <summary>The distillation teacher's output does not have the student's shape.</summary>
    public static readonly ErrorCode TeacherMismatch = ErrorCode.Input(603);
}
