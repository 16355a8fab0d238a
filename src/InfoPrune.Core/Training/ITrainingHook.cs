using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace InfoPrune.Core.Training;

/// <summary>
/// What a pruning method adds to a training run: parameters of its own, trained beside the
/// model's weights by a separate optimizer at their own fixed learning rate, and a term added to
/// the loss of every step. Acting on values during the forward pass goes through
/// <see cref="Execution.GraphExecutor.Intercepts"/>, which the method sets on the executor.
/// </summary>
public interface ITrainingHook
{
    /// <summary>The method's trainable parameters (not the model's weights).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The learning rate of <see cref="Parameters"/>, held fixed through the run: the model's
    /// schedule anneals its weights, not the method's variables (as the gate papers train them).
    /// </summary>
    double LearningRate { get; }

    /// <summary>The term added to the step's loss, for a batch of <paramref name="batchSize"/> samples (a scalar on the model's device).</summary>
    Tensor Penalty(long batchSize);
}
