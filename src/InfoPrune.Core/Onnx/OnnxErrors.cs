using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Onnx;

/// <summary>Problems with an ONNX model file itself (IP0100–IP0199).</summary>
public static class OnnxErrors
{
    /// <summary>The file is not a parseable ONNX protobuf.</summary>
    public static readonly ErrorCode NotOnnx = ErrorCode.Input(101);
    /// <summary>The model has no graph.</summary>
    public static readonly ErrorCode MissingGraph = ErrorCode.Input(102);
    /// <summary>A node consumes a value that nothing produces, or the graph has a cycle.</summary>
    public static readonly ErrorCode BrokenGraph = ErrorCode.Input(103);
    /// <summary>An initializer's external data file is missing or shorter than declared.</summary>
    public static readonly ErrorCode ExternalDataMissing = ErrorCode.Input(104);
    /// <summary>An initializer's data does not match its declared shape and type.</summary>
    public static readonly ErrorCode BadTensor = ErrorCode.Input(105);
    /// <summary>Two nodes produce the same value name.</summary>
    public static readonly ErrorCode DuplicateOutput = ErrorCode.Input(106);
    /// <summary>An attribute is missing or has the wrong type for its operator.</summary>
    public static readonly ErrorCode BadAttribute = ErrorCode.Input(107);
    /// <summary>The graph declares no outputs: there is nothing to classify with.</summary>
    public static readonly ErrorCode NoOutputs = ErrorCode.Input(110);
    /// <summary>The model file is empty (0 bytes).</summary>
    public static readonly ErrorCode EmptyFile = ErrorCode.Input(111);
    /// <summary>An attribute contradicts the initializer it describes (e.g. a Conv kernel_shape and its weight).</summary>
    public static readonly ErrorCode AttributeContradictsWeights = ErrorCode.Input(112);
    /// <summary>A float initializer holds NaN or infinity: the model cannot compute meaningful outputs.</summary>
    public static readonly ErrorCode NonFiniteWeights = ErrorCode.Input(113);
    /// <summary>ONNX Runtime and TorchSharp disagree on the input model itself, before any pruning.</summary>
    public static readonly ErrorCode RuntimesDisagree = ErrorCode.Unsupported(114);
}
