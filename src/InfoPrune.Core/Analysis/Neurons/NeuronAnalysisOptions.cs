using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// How <see cref="NeuronAnalysis"/> measures units and draws the cumulative ablation curves of
/// the neuron-importance paper (Section 5.3): which samples, which measures, how many points
/// per curve, how many random orderings.
/// </summary>
public sealed record NeuronAnalysisOptions
{
    /// <summary>Calibration samples: the first N of the data (the measures' P(T, Y) is estimated on them).</summary>
    public int CalibrationSamples { get; init; } = 2000;

    /// <summary>
    /// Samples the accuracy after each ablation step is measured on: the ones after the
    /// calibration samples when the data has enough, else the first ones (then they overlap).
    /// </summary>
    public int EvaluationSamples { get; init; } = 2000;

    /// <summary>Points per curve, evenly spaced from 0% to 100% of the layer ablated (at least 2).</summary>
    public int Steps { get; init; } = 11;

    /// <summary>Random orderings per layer, the baseline every measure is compared with.</summary>
    public int RandomSeeds { get; init; } = 3;

    /// <summary>Drives the random orderings; same seed, same curves.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Measures to score and order units by. JS separation is dropped when the classes are too many for its 2^C subsets.</summary>
    public IReadOnlyList<NeuronMeasure> Measures { get; init; } = Enum.GetValues<NeuronMeasure>();

    /// <summary>
    /// Only the layers produced by a node these select (exact names or patterns, as in the policy's
    /// <c>constraints.exclude</c>); empty analyses every layer. Big nets take an evaluation per
    /// curve point per layer, so a user picks the layers they want to see.
    /// </summary>
    public IReadOnlyList<NodeSelector> Layers { get; init; } = [];

    /// <summary>Quantizer and collapse of the calibration pass (the paper's one bit by default).</summary>
    public MeasurementOptions Measurement { get; init; } = MeasurementOptions.Default;

    /// <summary>Samples per forward pass.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Throws when a count is out of range.</summary>
    public void Validate()
    {
        if (CalibrationSamples <= 0) throw new ArgumentOutOfRangeException(nameof(CalibrationSamples), "must be positive");
        if (EvaluationSamples <= 0) throw new ArgumentOutOfRangeException(nameof(EvaluationSamples), "must be positive");
        if (Steps < 2) throw new ArgumentOutOfRangeException(nameof(Steps), "a curve needs at least its two ends");
        if (RandomSeeds < 0) throw new ArgumentOutOfRangeException(nameof(RandomSeeds), "cannot be negative");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), "must be positive");
    }
}
