namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>One unit of one layer: its score under every measure and its mean activation.</summary>
/// <param name="Unit">The unit's index in the layer (its channel index in the group).</param>
/// <param name="Scores">Measure name → bits (compare within a layer only).</param>
/// <param name="MeanActivation">Mean of the unit's output as its consumer reads it, over the calibration samples (what bias balancing substitutes).</param>
public sealed record UnitRecord(int Unit, IReadOnlyDictionary<string, double> Scores, double MeanActivation);
