using InfoPrune.Core.Information;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// The result of one calibration pass: per prunable group, the joint counts of its units with
/// the class; per consumed value, the mean of each entry of its channel axis (for bias
/// balancing). Every per-unit score of every measure can be read from it, so layer-wise ablation
/// curves need no second pass.
/// </summary>
public sealed class ActivationMeasurements
{
    internal ActivationMeasurements(IReadOnlyDictionary<int, GroupMeasurement> groups, IReadOnlyDictionary<string, float[]> means,
        long sampleCount, int classCount)
    {
        Groups = groups;
        MeanActivations = means;
        SampleCount = sampleCount;
        ClassCount = classCount;
    }

    /// <summary>Per prunable group id: its units' counts. Groups without a readable value are absent.</summary>
    public IReadOnlyDictionary<int, GroupMeasurement> Groups { get; }

    /// <summary>Per consumed value: the mean activation of each entry of its channel axis (the shape <see cref="Pruning.PruningPlan.MeanActivations"/> takes).</summary>
    public IReadOnlyDictionary<string, float[]> MeanActivations { get; }

    /// <summary>Calibration samples seen (N).</summary>
    public long SampleCount { get; }

    /// <summary>Classes C.</summary>
    public int ClassCount { get; }

    /// <summary>One measure for every unit of every measured group, by group id (bits; compare within a group only).</summary>
    public IReadOnlyDictionary<int, double[]> Scores(NeuronMeasure measure) =>
        Groups.ToDictionary(g => g.Key, g => g.Value.Scores(measure));
}
