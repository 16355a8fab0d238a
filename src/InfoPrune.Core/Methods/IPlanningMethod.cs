using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods;

/// <summary>
/// A method that makes its own plan from its scores, because the plain
/// <see cref="ChannelSelector"/> cannot express all of it: per-layer ratios (the hybrid's split),
/// ranking on raw scores across layers, or compensation per group. The pipeline calls
/// <see cref="Plan"/> instead of <see cref="ChannelSelector.Select"/> when a method offers it,
/// and prints <see cref="Warnings"/>.
/// </summary>
public interface IPlanningMethod : IImportanceMethod
{
    /// <summary>Things the user should know about the chosen settings (e.g. cross-layer ranking), as warning diagnostics.</summary>
    IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>The plan for <paramref name="target"/> within <paramref name="constraints"/>, with compensation where the method wants it.</summary>
    PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints);
}
