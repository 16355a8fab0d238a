using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Ops;

/// <summary>Codes for operators the tool cannot run (IP0200–IP0299, exit code 4).</summary>
public static class OpsErrors
{
    /// <summary>An operator type, domain or opset version has no implementation.</summary>
    public static readonly ErrorCode UnsupportedOperator = ErrorCode.Unsupported(201);
    /// <summary>An operator is implemented but not with the attributes or input kinds the model uses.</summary>
    public static readonly ErrorCode UnsupportedUsage = ErrorCode.Unsupported(202);
    /// <summary>A node asks for an output the executor does not produce (refused when the graph is compiled, never run as nothing).</summary>
    public static readonly ErrorCode UnsupportedOutput = ErrorCode.Unsupported(203);
    /// <summary>A graph input or output is not a tensor the executor runs (a sequence, map, optional or string tensor).</summary>
    public static readonly ErrorCode UnsupportedValue = ErrorCode.Unsupported(204);
    /// <summary>Two families claim the same operator and opset (a bug in the tool).</summary>
    public static readonly ErrorCode DuplicateRegistration = ErrorCode.Internal(9201);
    /// <summary>A kernel returned fewer outputs than its node uses (a bug in the op's family: it should have refused at compile).</summary>
    public static readonly ErrorCode MissingKernelOutput = ErrorCode.Internal(9202);
}
