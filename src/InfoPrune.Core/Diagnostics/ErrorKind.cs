namespace InfoPrune.Core.Diagnostics;

/// <summary>What went wrong, at the level the caller acts on; each kind has one process exit code.</summary>
public enum ErrorKind
{
    /// <summary>Bad input: model file, policy, data, arguments. Exit code 2.</summary>
    Input,
    /// <summary>The model uses something the tool cannot run or prune. Exit code 4.</summary>
    UnsupportedModel,
    /// <summary>The accuracy gate refused the pruned model. Exit code 3.</summary>
    GateFailed,
    /// <summary>A bug or an environment failure inside the tool. Exit code 1.</summary>
    Internal,
}

/// <summary>Maps error kinds to the process exit codes documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Internal = 1;
    public const int BadInput = 2;
    public const int GateFailed = 3;
    public const int UnsupportedModel = 4;

    public static int For(ErrorKind kind) => kind switch
    {
        ErrorKind.Input => BadInput,
        ErrorKind.UnsupportedModel => UnsupportedModel,
        ErrorKind.GateFailed => GateFailed,
        _ => Internal,
    };
}
