using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Pruning;

/// <summary>Problems with <c>constraints.allocation</c> (IP0860–IP0869).</summary>
public static class AllocationErrors
{
    /// <summary>
    /// An allocation other than "auto" or "uniform" with a target that has no budget to share: a
    /// ratio keeps the same fraction of every group, and "auto" lets the method decide each ratio.
    /// </summary>
    public static readonly ErrorCode AllocationWithoutBudget = ErrorCode.Input(860);

    /// <summary>An allocation was asked of a method that does not rank channels (it plans each layer itself).</summary>
    public static readonly ErrorCode AllocationNeedsRanking = ErrorCode.Input(861);

    /// <summary>Allocation by sensitivity measures the cross-entropy, which needs one model output per class.</summary>
    public static readonly ErrorCode LossNeedsOneOutputPerClass = ErrorCode.Input(862);
}
