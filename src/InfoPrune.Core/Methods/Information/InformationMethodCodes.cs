using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Methods.Information;

/// <summary>Codes of the information methods (IP0545–IP0549, IP0700, IP0870–IP0879; the calibration pass owns IP0540–IP0544).</summary>
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

    /// <summary>
    /// <c>"magnitude": "rank"</c> or <c>"band"</c> together with <c>"crossLayer": true</c>: a rank or
    /// quartile band is a position within one layer, so ranking it across layers compares nothing.
    /// </summary>
    public static readonly ErrorCode MagnitudeWithinLayerOnly = ErrorCode.Input(870);
}
