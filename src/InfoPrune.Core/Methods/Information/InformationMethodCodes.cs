using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Methods.Information;

/// <summary>Warning codes of the information methods (IP0545–IP0549; the calibration pass owns IP0540–IP0544).</summary>
public static class InformationMethodCodes
{
    /// <summary>
    /// Information scores were ranked across layers. The paper (Sections 5.2, 6) shows this removes
    /// mostly the generic features of shallow layers, whose scores are lower, and classification fails.
    /// </summary>
    public static readonly ErrorCode CrossLayerRanking = ErrorCode.Input(545);
}
