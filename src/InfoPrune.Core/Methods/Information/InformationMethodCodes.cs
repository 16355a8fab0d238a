using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Methods.Information;

/// <summary>Warning codes of the information methods (IP0545–IP0549, and IP0700; the calibration pass owns IP0540–IP0544).</summary>
public static class InformationMethodCodes
{
    /// <summary>
    /// Information scores were ranked across layers. The paper (Sections 5.2, 6) shows this removes
    /// mostly the generic features of shallow layers, whose scores are lower, and classification fails.
    /// </summary>
    public static readonly ErrorCode CrossLayerRanking = ErrorCode.Input(545);

    /// <summary>
    /// Every unit of a layer got the same score, so "lowest scores removed" means "highest channel
    /// indices removed". The usual cause: <c>entropy</c> with a 1-bit quantizer split at each unit's
    /// median (Clip/ReLU6 and collapsed conv maps have no fixed threshold), which makes every unit
    /// exactly 1 bit.
    /// </summary>
    public static readonly ErrorCode TiedScores = ErrorCode.Input(700);
}
