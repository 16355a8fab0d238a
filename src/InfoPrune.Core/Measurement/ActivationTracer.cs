using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Finds the activation function behind a value: the value's producer if it is an activation,
/// else the producer of its first input, through ops that move or pool values without changing
/// their range (MaxPool, Flatten, Reshape, Dropout, …). The paper's one-bit threshold and the
/// bias-balancing default both depend on it (Section 3; Section 5, Appendix E).
/// </summary>
public static class ActivationTracer
{
    /// <summary>Element-wise nonlinearities whose op type decides a threshold or the compensation.</summary>
    private static readonly HashSet<string> Activations = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "ThresholdedRelu", "HardSwish",
        "Sigmoid", "HardSigmoid", "Tanh", "Softsign", "Softplus", "Clip",
    };

    /// <summary>
    /// Ops that keep every output inside the range of their input, so a sigmoid's (0, 1) or a ReLU's
    /// zeros survive them: pooling, dropout at inference, and pure layout changes. Pad counts too:
    /// PyTorch puts one before some AveragePools, and its border values do not change which
    /// nonlinearity made the rest.
    /// </summary>
    private static readonly HashSet<string> RangePreserving = new(StringComparer.Ordinal)
    {
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Dropout", "Identity",
        "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "ReduceMean", "ReduceMax", "Pad",
    };

    /// <summary>The op type of the activation that produced <paramref name="value"/>, or null if there is none.</summary>
    public static string? ActivationOf(OnnxGraph graph, string value)
    {
        // A graph has no cycles, but a bound keeps a malformed chain from looping.
        for (var step = 0; step < 64; step++)
        {
            var producer = graph.Producer(value);
            if (producer == null) return null;
            if (Activations.Contains(producer.OpType)) return producer.OpType;
            if (producer.OpType == "Mul" && IsExportedGelu(graph, producer)) return "Gelu";
            if (!RangePreserving.Contains(producer.OpType) || producer.Inputs.Count == 0) return null;
            value = producer.Inputs[0];
        }
        return null;
    }

    /// <summary>
    /// Before opset 20 there is no Gelu op: exporters write x · ½ · (1 + erf(x / √2)). The outer
    /// Mul of that formula has an Erf among the Mul/Add/Div nodes a few steps above it; nothing
    /// else in a classifier puts Erf there.
    /// </summary>
    private static bool IsExportedGelu(OnnxGraph graph, OnnxNode mul)
    {
        var frontier = new List<OnnxNode> { mul };
        for (var depth = 0; depth < 4 && frontier.Count > 0; depth++)
        {
            var next = new List<OnnxNode>();
            foreach (var input in frontier.SelectMany(n => n.Inputs))
            {
                var producer = graph.Producer(input);
                if (producer == null) continue;
                if (producer.OpType == "Erf") return true;
                if (producer.OpType is "Mul" or "Add" or "Div") next.Add(producer);
            }
            frontier = next;
        }
        return false;
    }
}
