using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Training;

/// <summary>
/// Hinton's knowledge distillation: the student learns the teacher's softened class distribution
/// as well as the labels, <c>(1 − w)·CE(student, labels) + w·T²·KL(softmax(teacher/T) ‖ softmax(student/T))</c>.
/// </summary>
/// <remarks>
/// The T² factor keeps the gradient of the soft term on the scale of the hard term's when the
/// temperature changes (the softened gradients shrink as 1/T²). The KL divergence is summed over
/// classes and averaged over the batch ("batchmean"), which is the true KL per sample; an
/// element-wise mean would divide it by the class count as well.
/// </remarks>
public static class DistillationLoss
{
    /// <summary>T²·KL(softmax(teacher/T) ‖ softmax(student/T)) per sample, averaged over the batch.</summary>
    public static Tensor SoftTargetTerm(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        var studentLog = log_softmax(studentLogits / temperature, 1);
        var teacherLog = log_softmax(teacherLogits / temperature, 1);
        var klSum = kl_div(studentLog, teacherLog, log_target: true, reduction: nn.Reduction.Sum);
        return klSum * (temperature * temperature / studentLogits.shape[0]);
    }

    /// <summary>The combined loss; <paramref name="weight"/> 1 ignores the labels, 0 the teacher.</summary>
    public static Tensor Combined(Tensor studentLogits, Tensor labels, Tensor teacherLogits, double weight, double temperature)
    {
        if (weight >= 1) return SoftTargetTerm(studentLogits, teacherLogits, temperature);
        var hard = cross_entropy(studentLogits, labels);
        if (weight <= 0) return hard;
        return hard * (1 - weight) + SoftTargetTerm(studentLogits, teacherLogits, temperature) * weight;
    }
}
