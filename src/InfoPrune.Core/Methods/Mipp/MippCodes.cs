using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>Diagnostic codes of MIPP (IP0820–IP0839).</summary>
public static class MippCodes
{
    /// <summary>The plan was asked for without the activation sample of the calibration pass (a caller skipped the Measure step).</summary>
    public static readonly ErrorCode NoSample = ErrorCode.Internal(822);

    /// <summary>The calibration data gave too few samples to fit and judge the predictors.</summary>
    public static readonly ErrorCode TooFewSamples = ErrorCode.Input(820);

    /// <summary>No prunable group has a value MIPP can read and a layer behind it to reconstruct.</summary>
    public static readonly ErrorCode NothingToPrune = ErrorCode.Input(821);
}
