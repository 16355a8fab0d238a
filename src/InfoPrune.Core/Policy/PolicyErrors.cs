using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Policy;

/// <summary>
/// Diagnostic codes of the policy file (range IP0400-IP0499). Every one is reported with the
/// policy file's path, line and column. A policy or data file that does not exist is reported
/// with <see cref="GeneralErrors.FileNotFound"/> (IP0001), the code every area uses for that.
/// </summary>
public static class PolicyErrors
{
    /// <summary>The file is not valid JSON: a syntax error, an empty file, a comment, a trailing
    /// comma, or a non-standard literal such as <c>NaN</c> or a single-quoted string.</summary>
    public static readonly ErrorCode InvalidJson = ErrorCode.Input(400);

    /// <summary>The top-level value is not a JSON object (an array, a string, a number...).</summary>
    public static readonly ErrorCode NotAnObject = ErrorCode.Input(401);

    /// <summary>The same key appears twice in one object.</summary>
    public static readonly ErrorCode DuplicateKey = ErrorCode.Input(402);

    /// <summary>A key the policy format does not define (often a typo; the closest key is suggested).</summary>
    public static readonly ErrorCode UnknownKey = ErrorCode.Input(403);

    /// <summary>A required key is absent; reported at the object that should contain it.</summary>
    public static readonly ErrorCode MissingKey = ErrorCode.Input(404);

    /// <summary>A value has the wrong JSON type (a string where a number belongs, null, ...).</summary>
    public static readonly ErrorCode WrongType = ErrorCode.Input(405);

    /// <summary>A number is outside its allowed range, not finite, or too large to represent.</summary>
    public static readonly ErrorCode OutOfRange = ErrorCode.Input(406);

    /// <summary>A string is not one of the allowed names, is empty, or is not a valid pattern.</summary>
    public static readonly ErrorCode InvalidValue = ErrorCode.Input(407);

    /// <summary>The policy declares a <c>version</c> this tool does not read.</summary>
    public static readonly ErrorCode UnsupportedVersion = ErrorCode.Input(408);

    /// <summary>Values that are fine alone but contradict each other (two targets at once,
    /// <c>momentum</c> for Adam, a keep ratio below what <c>maxRatio</c> allows, ...).</summary>
    public static readonly ErrorCode ConflictingValues = ErrorCode.Input(409);

    /// <summary>The <c>method.name</c> is not a known pruning method.</summary>
    public static readonly ErrorCode UnknownMethod = ErrorCode.Input(410);
}
