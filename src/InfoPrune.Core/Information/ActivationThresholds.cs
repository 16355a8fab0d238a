using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Information;

/// <summary>
/// Default one-bit thresholds by the kind of activation that produced a unit's output. The paper
/// (Section 3) uses 0.5 after sigmoid and 0 after ReLU: the point that separates the two regimes
/// of the nonlinearity (saturated low/high, inactive/active). Each activation's op family declares
/// its threshold (<see cref="ActivationTraits.OneBitThreshold"/>). Activations without such a
/// point (Softplus, Clip, no activation) have no default; callers then fall back to the sample
/// median (<see cref="ThresholdQuantizer.ForActivation"/>).
/// </summary>
public static class ActivationThresholds
{
    /// <summary>The default threshold for an activation kind (Relu, Sigmoid, …; case-insensitive), if it has one.</summary>
    public static bool TryGetDefault(string? activationKind, out float threshold)
    {
        var known = OpRegistry.Default.FindActivationKind(activationKind)?.OneBitThreshold;
        threshold = known ?? 0f;
        return known.HasValue;
    }
}
