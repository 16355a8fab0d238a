namespace InfoPrune.Core.Validation;

/// <summary>How an accuracy measurement reads its data and runs.</summary>
public sealed record EvaluationOptions
{
    public int BatchSize { get; init; } = 256;
    /// <summary>Stop after this many samples (the first ones of the source); null reads them all.</summary>
    public long? Limit { get; init; }
    /// <summary>ONNX Runtime intra-op threads; 0 leaves its default. TorchSharp's are set process-wide.</summary>
    public int OrtThreads { get; init; }
}
