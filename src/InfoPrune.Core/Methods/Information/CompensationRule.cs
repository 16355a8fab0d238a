using InfoPrune.Core.Ops;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// Whether a removed unit is replaced by its mean (bias balancing, eq. 7) or by nothing. The
/// paper found bias balancing recovers much of the loss for sigmoid networks (Section 5, Fig. 1;
/// Section 6) and hurts ReLU networks, where "inactive" (zero) is the meaningful constant
/// (Appendix E, after Morcos et al.). <see cref="Compensation.Auto"/> follows that: mean after
/// saturating activations, nothing after the ReLU family or when no activation is found (then
/// removal behaves like every other method's).
/// </summary>
public static class CompensationRule
{
    /// <summary>
    /// True when removed units of a group read after <paramref name="activation"/> (an activation
    /// kind, as the probe names it) are replaced by their mean. Whether an activation saturates is
    /// declared by its op family (<see cref="ActivationTraits.Saturating"/>).
    /// </summary>
    public static bool Compensates(Compensation setting, string? activation) => setting switch
    {
        Compensation.Mean => true,
        Compensation.None => false,
        Compensation.Auto => OpRegistry.Default.FindActivationKind(activation)?.Saturating == true,
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };
}
