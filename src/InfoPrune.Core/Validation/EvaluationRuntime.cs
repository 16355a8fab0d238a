namespace InfoPrune.Core.Validation;

/// <summary>Which engine runs the model when measuring accuracy.</summary>
public enum EvaluationRuntime
{
    /// <summary>The TorchSharp graph executor, in eval mode: what pruning and fine-tuning see.</summary>
    Torch,
    /// <summary>ONNX Runtime: what ships.</summary>
    Ort,
}
