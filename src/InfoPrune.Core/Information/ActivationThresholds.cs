namespace InfoPrune.Core.Information;

/// <summary>
/// Default one-bit thresholds by the ONNX op type of the activation that produced a unit's output.
/// The paper (Section 3) uses 0.5 after sigmoid and 0 after ReLU: the point that separates the
/// two regimes of the nonlinearity (saturated low/high, inactive/active). The same reasoning gives
/// 0 for the ReLU family and for odd functions centred at 0 (Tanh, Softsign).
/// Activations without such a point (Softplus, Identity, no activation) have no default; callers
/// then fall back to the sample median (<see cref="ThresholdQuantizer.ForActivation"/>).
/// </summary>
public static class ActivationThresholds
{
    /// <summary>The default threshold for an activation op type (case-insensitive), if it has one.</summary>
    public static bool TryGetDefault(string? activationOpType, out float threshold)
    {
        switch (activationOpType?.ToLowerInvariant())
        {
            case "sigmoid":
            case "hardsigmoid":
                threshold = 0.5f;
                return true;
            case "relu":
            case "leakyrelu":
            case "prelu":
            case "elu":
            case "selu":
            case "celu":
            case "gelu":
            case "thresholdedrelu":
            case "hardswish":
            case "tanh":
            case "softsign":
                threshold = 0f;
                return true;
            default:
                threshold = 0f;
                return false;
        }
    }
}
