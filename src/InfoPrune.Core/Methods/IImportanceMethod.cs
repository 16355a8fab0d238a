using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;

namespace InfoPrune.Core.Methods;

/// <summary>
/// A pruning criterion: a score per channel of each prunable group (higher = more important).
/// The engine's <see cref="Pruning.ChannelSelector"/> turns scores into a plan under the
/// policy's target and constraints.
/// </summary>
public interface IImportanceMethod
{
    /// <summary>The policy name, e.g. "l1".</summary>
    string Name { get; }

    /// <summary>True when scores of different layers are comparable, so a budget may be met by global ranking.</summary>
    bool RanksAcrossLayers { get; }

    IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context);
}

/// <summary>What a method may use besides the graph.</summary>
public sealed class MethodContext
{
    public int Seed { get; init; } = 42;
    /// <summary>Activation statistics from the calibration pass (<see cref="CalibrationPass"/>), for data-driven methods (null for weight-only ones).</summary>
    public ActivationMeasurements? Measurements { get; init; }
}
