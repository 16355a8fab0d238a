using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// One prunable layer (channel group) in the hybrid scheme: its depth among the measured groups,
/// whether it counts as shallow, the measure that ranks its units, and its pruning weight — the
/// layer loses a fraction of its units proportional to this weight.
/// </summary>
public sealed record HybridLayer(int GroupId, int Depth, bool IsShallow, InformationMeasure Measure, double PruneWeight);
