namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>The outcome of <see cref="NeuronAnalysis.Run"/>: per-layer measures, distributions and ablation curves.</summary>
public sealed record NeuronAnalysisResult
{
    /// <summary>The analysed model file, when known.</summary>
    public string? Model { get; init; }

    /// <summary>Samples the measures were estimated on.</summary>
    public required int CalibrationSamples { get; init; }

    /// <summary>Samples each accuracy was measured on.</summary>
    public required int EvaluationSamples { get; init; }

    /// <summary>True when the data was too small to keep the two sets apart, so accuracy was measured on calibration samples too.</summary>
    public required bool SamplesOverlap { get; init; }

    /// <summary>Classes C.</summary>
    public required int Classes { get; init; }

    /// <summary>Accuracy of the unmodified model on the evaluation samples.</summary>
    public required double OriginalAccuracy { get; init; }

    /// <summary>Measure names scored and used for orderings.</summary>
    public required IReadOnlyList<string> Measures { get; init; }

    /// <summary>How unit outputs were quantized for the measures, in words ("one bit at the activation's threshold", "8 equal-width bins").</summary>
    public required string Quantizer { get; init; }

    /// <summary>Points per curve.</summary>
    public required int Steps { get; init; }

    /// <summary>Random orderings per layer.</summary>
    public required int RandomSeeds { get; init; }

    /// <summary>Every measured layer, in graph order.</summary>
    public required IReadOnlyList<LayerAnalysis> Layers { get; init; }

    /// <summary>Where the time went.</summary>
    public required AnalysisTimings Timings { get; init; }

    /// <summary>Things a reader of the numbers should know (dropped measures, overlapping samples, skipped layers).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}

/// <summary>Wall-clock seconds of the analysis's parts, and how many accuracy evaluations it ran.</summary>
public sealed record AnalysisTimings(double MeasureSeconds, double AblationSeconds, double TotalSeconds, int Evaluations);
