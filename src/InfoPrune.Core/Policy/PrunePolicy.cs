namespace InfoPrune.Core.Policy;

/// <summary>
/// A validated pruning policy: which data, which method, how far to prune, how to fine-tune,
/// what accuracy the result must keep, and the seed. Immutable; every path in it is absolute.
/// Produced by <see cref="PolicyLoader"/>, which checks the whole file before anything runs.
/// </summary>
/// <example>
/// A complete policy (relative paths resolve against the policy file's folder):
/// <code language="json">
/// {
///   "$schema": "infoprune.policy.schema.json",
///   "version": 1,
///   "data": {
///     "format": "idx",
///     "train":      { "images": "data/train-images-idx3-ubyte.gz", "labels": "data/train-labels-idx1-ubyte.gz" },
///     "validation": { "images": "data/t10k-images-idx3-ubyte.gz",  "labels": "data/t10k-labels-idx1-ubyte.gz" },
///     "calibration": { "from": "train", "samples": 2048 },
///     "preprocess": { "scale": 0.00392156862745098, "mean": [0.1307], "std": [0.3081] }
///   },
///   "method": { "name": "hybrid", "quantizer": { "bins": 8, "binning": "equal-frequency" },
///               "collapse": "mean", "compensation": "auto", "shallow": "mutual-information",
///               "deep": "kl-selectivity", "split": [1, 2] },
///   "target": { "macs": 0.5 },
///   "constraints": { "minChannels": 2, "maxRatio": 0.9, "exclude": ["fc3", "/^stem\\./"], "roundTo": "auto" },
///   "fineTune": { "epochs": 2, "batchSize": 128,
///                 "optimizer": { "name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": true, "weightDecay": 0.0005 },
///                 "schedule": { "name": "step", "stepSize": 1, "gamma": 0.1 },
///                 "distill": { "weight": 0.5, "temperature": 4 } },
///   "gate": { "minAccuracy": 0.88, "maxDrop": 0.02, "maxLatencyRatio": 0.8 },
///   "latency": { "batchSize": 64, "threads": 1 },
///   "seed": 42
/// }
/// </code>
/// </example>
public sealed record PrunePolicy
{
    /// <summary>The only policy format version this build reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The policy file this came from (absolute), for reports and messages.</summary>
    public required string SourcePath { get; init; }

    /// <summary>Format version of the file; always <see cref="CurrentVersion"/> once loaded.</summary>
    public int Version { get; init; } = CurrentVersion;

    public required DataPolicy Data { get; init; }
    public required MethodPolicy Method { get; init; }
    public required TargetPolicy Target { get; init; }
    public ConstraintsPolicy Constraints { get; init; } = ConstraintsPolicy.Default;
    public FineTunePolicy FineTune { get; init; } = FineTunePolicy.Default;
    public GatePolicy Gate { get; init; } = GatePolicy.Default;
    public LatencyPolicy Latency { get; init; } = LatencyPolicy.Default;

    /// <summary>Drives calibration sampling, random pruning, weight init and shuffling. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The most pruning steps a policy may ask for.</summary>
    public const int MaxSteps = 100;

    /// <summary>
    /// Pruning steps to reach the target (iterative pruning). Step k of n keeps
    /// 1 − (1 − target)(1 − (1 − k/n)³) of the original (cubic schedule), ranks channels again
    /// on the current, fine-tuned model, and fine-tunes for its share of the one fine-tuning run
    /// (the steps before the last share its first quarter, the last step trains the other three quarters).
    /// Default 1 (one-shot).
    /// </summary>
    public int Steps { get; init; } = 1;
}
