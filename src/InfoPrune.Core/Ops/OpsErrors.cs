using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Ops;

/// <summary>Codes for operators the tool cannot run (IP0200–IP0299, exit code 4).</summary>
public static class OpsErrors
{
    /// <summary>An operator type, domain or opset version has no implementation.</summary>
    public static readonly ErrorCode UnsupportedOperator = ErrorCode.Unsupported(201);
    /// <summary>An operator is implemented but not with the attributes or input kinds the model uses.</summary>
    public static readonly ErrorCode UnsupportedUsage = ErrorCode.Unsupported(202);
    /// <summary>Two families claim the same operator and opset (a bug in the tool).</summary>
    public static readonly ErrorCode DuplicateRegistration = ErrorCode.Internal(9201);
}
