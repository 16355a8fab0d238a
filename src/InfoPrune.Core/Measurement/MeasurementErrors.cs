using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Measurement;

/// <summary>Codes raised by the calibration pass and the information methods (range IP0540–IP0549).</summary>
public static class MeasurementErrors
{
    /// <summary>A data-driven method was asked to score without the calibration pass's measurements.</summary>
    public static readonly ErrorCode MeasurementsMissing = ErrorCode.Internal(540);
    /// <summary>The calibration data yielded no samples, so nothing can be estimated.</summary>
    public static readonly ErrorCode NoCalibrationSamples = ErrorCode.Input(541);
    /// <summary>A captured activation does not have the channel layout the analysis traced.</summary>
    public static readonly ErrorCode UnexpectedActivationShape = ErrorCode.Unsupported(542);
    /// <summary>The class count could not be read from the model and was not given.</summary>
    public static readonly ErrorCode UnknownClassCount = ErrorCode.Input(543);
}
