namespace InfoPrune.Core.Ops;

/// <summary>
/// What the measurement and the information methods need to know about an activation function,
/// declared by the op family that runs it (see <see cref="IOpFamily.Activation"/>), so no other
/// folder keeps lists of activation op types.
/// </summary>
/// <param name="Kind">The activation's name in probes and reports (the op type, or e.g. "Gelu" for an exported GELU pattern).</param>
/// <param name="OneBitThreshold">The paper's one-bit threshold (Section 3): the output value that
/// separates the nonlinearity's two regimes (0 for the ReLU family and odd functions centred at 0,
/// 0.5 for sigmoids); null when there is no such point (Softplus, Clip), so units split at their median.</param>
/// <param name="Saturating">Bounded on both sides (Sigmoid, HardSigmoid, Tanh): a removed unit is
/// best replaced by its mean (bias balancing), as the paper found for sigmoid networks.</param>
/// <param name="ZeroWhenInactive">Outputs are never negative and exactly 0 when the unit is inactive
/// (ReLU): a map's L1 or L2 norm is then 0 exactly when every position is inactive, so the
/// threshold 0 keeps its meaning for norm-collapsed channels.</param>
public sealed record ActivationTraits(string Kind, float? OneBitThreshold, bool Saturating = false, bool ZeroWhenInactive = false);
