using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Policy;

/// <summary>
/// The outcome of checking a policy without throwing: the policy when it is valid, and every
/// diagnostic found, ordered by line and column.
/// </summary>
public sealed record PolicyCheckResult(PrunePolicy? Policy, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Policy is not null;

    /// <summary>The policy, or an <see cref="InfoPruneException"/> carrying every diagnostic.</summary>
    public PrunePolicy GetPolicyOrThrow() => Policy ?? throw new InfoPruneException(Diagnostics);
}
