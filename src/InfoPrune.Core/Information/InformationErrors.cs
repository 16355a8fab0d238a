using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// Codes raised by the information estimators (range IP0500–IP0519). Most come from a policy
/// choice or from the data, so they are input errors a user can fix.
/// </summary>
public static class InformationErrors
{
    /// <summary>JS subset separation enumerates 2^(C−1)−1 class subsets; beyond 16 classes that is refused.</summary>
    public static readonly ErrorCode TooManyClassesForSubsetSeparation = ErrorCode.Input(500);
    /// <summary>A quantizer was asked for with an impossible setting (fewer than 2 levels, a NaN threshold, ...).</summary>
    public static readonly ErrorCode InvalidQuantizer = ErrorCode.Input(501);
    /// <summary>A label is negative or not below the declared class count.</summary>
    public static readonly ErrorCode LabelOutOfRange = ErrorCode.Input(502);
    /// <summary>An activation is NaN (or, where a finite value is required, infinite).</summary>
    public static readonly ErrorCode NonFiniteActivation = ErrorCode.Input(503);
    /// <summary>A quantizer fit or a Gram matrix was asked for from no samples.</summary>
    public static readonly ErrorCode EmptySample = ErrorCode.Input(504);
    /// <summary>An RBF kernel width is not a positive finite number.</summary>
    public static readonly ErrorCode InvalidKernelWidth = ErrorCode.Input(505);
    /// <summary>A Rényi order α is not a positive finite number.</summary>
    public static readonly ErrorCode InvalidRenyiOrder = ErrorCode.Input(506);
    /// <summary>The symmetric eigen solver did not converge (an internal numerical failure).</summary>
    public static readonly ErrorCode EigenSolverDidNotConverge = ErrorCode.Internal(507);
    /// <summary>The declared class count is not positive.</summary>
    public static readonly ErrorCode InvalidClassCount = ErrorCode.Input(508);
}
