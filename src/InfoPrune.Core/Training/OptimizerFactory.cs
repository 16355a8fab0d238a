using InfoPrune.Core.Policy;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace InfoPrune.Core.Training;

/// <summary>Builds the TorchSharp optimizer the options name, with PyTorch's meaning for every value.</summary>
internal static class OptimizerFactory
{
    public static optim.Optimizer Create(FineTuneOptions options, IEnumerable<Parameter> parameters) => options.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov),
        // Adam's weight decay is an L2 term added to the gradient; AdamW's is decoupled from it.
        OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "unknown optimizer"),
    };

    /// <summary>Sets the rate every parameter group uses from the next step on.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
