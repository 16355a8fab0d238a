using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Reporting;
using InfoPrune.Core.Training;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods;

/// <summary>
/// A pruning method as the loop runs it. The loop asks what the method needs (weights only, or the
/// accumulators of the one streamed calibration pass, <see cref="Measurement"/>), runs that, and
/// asks for a plan for the step's target within the constraints.
/// </summary>
public interface IPruningMethod
{
    /// <summary>The policy name, e.g. "l1".</summary>
    string Name { get; }

    /// <summary>
    /// What the calibration pass must accumulate for this method (per-channel statistics, joint
    /// counts with the labels, …), or null when the method reads the weights only and no pass runs.
    /// </summary>
    MeasurementOptions? Measurement => null;

    /// <summary>
    /// The method's own accumulators for the calibration pass on <paramref name="graph"/> (Gram
    /// matrices, a bounded sample of activations, …), created fresh for each pruning step. The pass
    /// fills them together with <see cref="Measurement"/>'s counts, in one streamed pass, and the
    /// plan finds them in <see cref="MethodContext.Accumulators"/>. None by default.
    /// </summary>
    IReadOnlyList<IBatchAccumulator> Accumulators(DependencyGraph graph) => Array.Empty<IBatchAccumulator>();

    /// <summary>Things the user should know about the chosen settings (e.g. cross-layer ranking), as warnings.</summary>
    IReadOnlyList<Diagnostic> Warnings => Array.Empty<Diagnostic>();

    /// <summary>
    /// What the last <see cref="Plan"/> found that the report should show beyond each group's reason
    /// (e.g. CMI's curves and visiting order), serialized into the JSON report as it is; null for none.
    /// </summary>
    object? Details => null;

    /// <summary>The plan for <paramref name="target"/> within <paramref name="constraints"/>, with the reason for each choice.</summary>
    PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints);

    /// <summary>
    /// The per-channel scores the last <see cref="Plan"/> decided on and the cut it drew, for the
    /// report's score chart; null when the method has no single cut to show.
    /// </summary>
    ChannelScoreReport? ScoreReport => null;
}

/// <summary>
/// A method that trains something of its own on the current model before it plans (e.g. gates
/// with a regulariser). The loop prepares the model for training (BatchNorm re-inserted when the
/// policy asks), compiles it, lets the method attach to it, trains it for <see cref="TrainingEpochs"/>
/// epochs with the policy's fine-tuning settings and the method's <see cref="ITrainingHook"/>,
/// undoes its own preparation, and hands the trained model back to the method, which returns the
/// model the plan and the cut are made on.
/// </summary>
public interface ITrainingMethod : IPruningMethod
{
    /// <summary>Epochs of the method's training; 0 skips it.</summary>
    int TrainingEpochs { get; }

    /// <summary>
    /// Attaches to <paramref name="trainee"/> (the model of <paramref name="graph"/>, possibly with
    /// re-inserted BatchNorm: value names of <paramref name="graph"/> still name the same values,
    /// except that a layer's output may now come out of a normaliser after it). <paramref name="goal"/>
    /// says what the plan after this training must meet, so the training may aim at it.
    /// </summary>
    IMethodTraining BeginTraining(DependencyGraph graph, GraphExecutor trainee, MethodTrainingGoal goal);
}

/// <summary>What a method's training leads to: the step's target and constraints, and the optimizer steps the training will take.</summary>
/// <param name="Target">The target the plan after this training must meet.</param>
/// <param name="Constraints">The constraints that plan works within.</param>
/// <param name="TotalSteps">Optimizer steps of the method's training (all its epochs).</param>
public sealed record MethodTrainingGoal(TargetPolicy Target, ConstraintsPolicy Constraints, long TotalSteps);

/// <summary>One training run of an <see cref="ITrainingMethod"/>: its hook, and what it makes of the trained model.</summary>
public interface IMethodTraining : ITrainingHook, IDisposable
{
    /// <summary>
    /// The model to plan on, from the trained one (its preparation already undone): whatever the
    /// method kept outside the graph during training is folded into the weights, so no op of the
    /// method's ships. The method keeps what it learned for its next <see cref="IPruningMethod.Plan"/>.
    /// </summary>
    OnnxModel Finish(OnnxModel trained);
}

/// <summary>
/// A method that only scores channels (higher = more important); the engine's
/// <see cref="ChannelSelector"/> turns its scores into the plan, the same way for every such method.
/// </summary>
public interface IImportanceMethod : IPruningMethod
{
    /// <summary>True when scores of different layers are comparable, so a budget may be met by global ranking.</summary>
    bool RanksAcrossLayers { get; }

    /// <summary>
    /// How this method shares a budget between layers when the policy leaves
    /// <c>constraints.allocation</c> at "auto": global ranking when its scores compare across
    /// layers, else a uniform ratio. A method may prefer another; <see cref="LayerAllocation.Auto"/>
    /// means it shares the budget its own way in its plan (the hybrid's split).
    /// </summary>
    LayerAllocation PreferredAllocation => RanksAcrossLayers ? LayerAllocation.Global : LayerAllocation.Uniform;

    /// <summary>A score per channel of each prunable group, by group id.</summary>
    IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context);

    PruningPlan IPruningMethod.Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints) =>
        ChannelSelector.Select(graph, Score(graph, context), target, constraints, RanksAcrossLayers, Name);
}

/// <summary>What a method may use besides the graph.</summary>
public sealed class MethodContext
{
    public int Seed { get; init; } = 42;
    /// <summary>Activation statistics from the calibration pass (<see cref="CalibrationPass"/>), for methods that declare a <see cref="IPruningMethod.Measurement"/>.</summary>
    public ActivationMeasurements? Measurements { get; init; }

    /// <summary>The accumulators of <see cref="IPruningMethod.Accumulators"/>, filled by the calibration pass of this step.</summary>
    public IReadOnlyList<IBatchAccumulator> Accumulators { get; init; } = Array.Empty<IBatchAccumulator>();

    /// <summary>Threads the method's own computations (e.g. training predictors) may use; null leaves TorchSharp's setting.</summary>
    public int? Threads { get; init; }

    /// <summary>Told what a long plan is doing (e.g. "layer 3 of 19"), for progress displays.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Checked by planners that run for long, so a cancelled build stops promptly.</summary>
    public CancellationToken Cancellation { get; init; }
}
