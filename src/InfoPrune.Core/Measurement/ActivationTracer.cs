using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Finds the activation function behind a value: the value's producer if it applies one, else the
/// producer of its first input, through ops that move or pool values without changing their range
/// (MaxPool, Flatten, Reshape, Dropout, …). The paper's one-bit threshold and the bias-balancing
/// default both depend on it (Section 3; Section 5, Appendix E). Which ops are activations and
/// which keep the range is declared by their op families (<see cref="IOpFamily.Activation"/>,
/// <see cref="IOpFamily.PreservesRange"/>).
/// </summary>
public static class ActivationTracer
{
    /// <summary>The activation that produced <paramref name="value"/>, or null if there is none.</summary>
    public static ActivationTraits? Trace(OnnxGraph graph, string value, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        // A graph has no cycles, but a bound keeps a malformed chain from looping.
        for (var step = 0; step < 64; step++)
        {
            var producer = graph.Producer(value);
            if (producer == null) return null;
            var family = registry.Find(producer);
            if (family == null) return null;
            if (family.Activation(producer, graph) is { } activation) return activation;
            if (!family.PreservesRange(producer) || producer.Inputs.Count == 0) return null;
            value = producer.Inputs[0];
        }
        return null;
    }

    /// <summary>The kind of the activation that produced <paramref name="value"/> (Relu, Sigmoid, Gelu, …), or null if there is none.</summary>
    public static string? ActivationOf(OnnxGraph graph, string value, OpRegistry? registry = null) =>
        Trace(graph, value, registry)?.Kind;
}
