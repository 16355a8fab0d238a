namespace InfoPrune.Core.Diagnostics;

/// <summary>
/// A stable diagnostic code, printed as <c>IPnnnn</c> and used by MSBuild as the error code.
/// Ranges: 0001-0099 general input, 0100-0199 ONNX model, 0200-0299 unsupported model,
/// 0300-0399 data, 0400-0499 policy, 0500-0699 analysis/pruning/training, 1000-1099 accuracy gate,
/// 9000-9999 internal. Each area declares its codes next to its code (e.g. <c>DataErrors</c>).
/// </summary>
public readonly record struct ErrorCode(int Number, ErrorKind Kind)
{
    public string Id => $"IP{Number:D4}";
    public int ExitCode => ExitCodes.For(Kind);
    public override string ToString() => Id;

    public static ErrorCode Input(int number) => new(number, ErrorKind.Input);
    public static ErrorCode Unsupported(int number) => new(number, ErrorKind.UnsupportedModel);
    public static ErrorCode Gate(int number) => new(number, ErrorKind.GateFailed);
    public static ErrorCode Internal(int number) => new(number, ErrorKind.Internal);
}

/// <summary>Codes that belong to no single area.</summary>
public static class GeneralErrors
{
    /// <summary>A file named on the command line or in a policy does not exist or cannot be read.</summary>
    public static readonly ErrorCode FileNotFound = ErrorCode.Input(1);
    /// <summary>A command-line value is malformed or out of range.</summary>
    public static readonly ErrorCode BadArgument = ErrorCode.Input(2);
    /// <summary>An output file could not be written.</summary>
    public static readonly ErrorCode CannotWrite = ErrorCode.Input(3);
    /// <summary>A PruneModel item in a project file has no Policy metadata (raised by the MSBuild targets).</summary>
    public static readonly ErrorCode MissingPolicyMetadata = ErrorCode.Input(5);
    /// <summary>The run was cancelled (Ctrl+C); nothing was written.</summary>
    public static readonly ErrorCode Cancelled = ErrorCode.Input(4);
    /// <summary>A folder was given where a file is expected (a model, a policy, a data file).</summary>
    public static readonly ErrorCode InputIsDirectory = ErrorCode.Input(12);
    /// <summary>A file exists but cannot be read (permissions, or a read error).</summary>
    public static readonly ErrorCode InputUnreadable = ErrorCode.Input(13);
    /// <summary>The command line names a command or option that does not exist, or has a token too many.</summary>
    public static readonly ErrorCode UnknownArgument = ErrorCode.Input(14);
    /// <summary>The command line lacks a required argument or option, or an option lacks its value.</summary>
    public static readonly ErrorCode MissingArgument = ErrorCode.Input(15);
    /// <summary>An unexpected failure inside the tool.</summary>
    public static readonly ErrorCode Unexpected = ErrorCode.Internal(9000);
}
