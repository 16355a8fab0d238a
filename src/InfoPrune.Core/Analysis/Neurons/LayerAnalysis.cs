namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>Everything the analysis found about one layer (one prunable channel group).</summary>
/// <param name="GroupId">The channel group's id in the dependency graph.</param>
/// <param name="Name">A readable name (the producing node).</param>
/// <param name="Value">The value its units were read from (what the consumer reads).</param>
/// <param name="Activation">The activation behind that value (Relu, Sigmoid, …), or null.</param>
/// <param name="Units">Per unit: scores and mean activation.</param>
/// <param name="Distributions">Measure name → spread over the layer's units.</param>
/// <param name="Orderings">The orders units were ablated in.</param>
/// <param name="Curves">Accuracy per ordering, plain and (when possible) balanced.</param>
/// <param name="Summary">Mean accuracy per whole curve and the paper's comparisons.</param>
/// <param name="FirstHalf">The same over the first half of each curve (up to 50% ablated), where pruning works.</param>
/// <param name="Note">Why curves are missing or incomplete, when they are.</param>
public sealed record LayerAnalysis(int GroupId, string Name, string Value, string? Activation,
    IReadOnlyList<UnitRecord> Units, IReadOnlyDictionary<string, MeasureDistribution> Distributions,
    IReadOnlyList<AblationOrdering> Orderings, IReadOnlyList<AblationCurve> Curves, LayerAblationSummary Summary, LayerAblationSummary FirstHalf, string? Note);
