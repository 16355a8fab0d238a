namespace InfoPrune.Core.Policy;

/// <summary>The optimizer family. JSON: "sgd", "adam", "adamw".</summary>
public enum OptimizerKind { Sgd, Adam, AdamW }

/// <summary>
/// The <c>fineTune.optimizer</c> section. Defaults follow PyTorch's so numbers carry over from
/// papers: learning rate 0.01 for SGD and 0.001 for Adam/AdamW, weight decay 0.01 for AdamW and
/// 0 otherwise. Momentum and Nesterov belong to SGD only.
/// </summary>
public sealed record OptimizerPolicy
{
    public static readonly OptimizerPolicy Default = ForKind(OptimizerKind.Adam);

    public OptimizerKind Name { get; init; } = OptimizerKind.Adam;

    /// <summary>Learning rate, &gt; 0.</summary>
    public double Lr { get; init; } = 0.001;

    /// <summary>SGD momentum in [0, 1). Default 0.9 for SGD, 0 otherwise.</summary>
    public double Momentum { get; init; }

    /// <summary>SGD with Nesterov momentum (needs momentum &gt; 0). Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty (SGD, Adam) or decoupled decay (AdamW), ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The defaults for one optimizer family.</summary>
    public static OptimizerPolicy ForKind(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => new() { Name = kind, Lr = 0.01, Momentum = 0.9 },
        OptimizerKind.AdamW => new() { Name = kind, Lr = 0.001, WeightDecay = 0.01 },
        _ => new() { Name = kind, Lr = 0.001 },
    };
}
