using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>Diagnostics of the <c>cmi</c> method (IP0840–IP0859, and IP0871).</summary>
public static class CmiCodes
{
    /// <summary>Warning: the calibration pass gave fewer samples than <c>method.samples</c>; the Grams use what there is.</summary>
    public static readonly ErrorCode FewerSamples = ErrorCode.Input(840);

    /// <summary>Warning: some layers' maps were constant over the samples, so CMI could not order them; they were kept whole.</summary>
    public static readonly ErrorCode NoInformation = ErrorCode.Input(841);

    /// <summary>The plan ran without the method's calibration samples (an engine error, not the user's).</summary>
    public static readonly ErrorCode SamplesMissing = ErrorCode.Internal(842);

    /// <summary>Too few calibration samples to estimate anything (fewer than 2).</summary>
    public static readonly ErrorCode TooFewSamples = ErrorCode.Input(843);

    /// <summary><c>"magnitude": "product"</c> for cmi, which has an order and no per-channel score to multiply.</summary>
    public static readonly ErrorCode MagnitudeProductWithoutScores = ErrorCode.Input(871);
}
