using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Analysis;

/// <summary>
/// Multiply-accumulate counts per node, measured by running the model once on a zero input of
/// batch 1. Running (rather than inferring shapes statically) gives the concrete shape of every
/// value, including those behind Reshape or Shape arithmetic that static inference cannot follow.
/// </summary>
public static class MacCounter
{
    /// <summary>
    /// Traces the model on the CPU. Symbolic and unknown dimensions of the declared inputs become 1,
    /// so the counts are per sample for models with a dynamic batch. The model must be supported
    /// (<see cref="GraphExecutor.Create"/> throws otherwise, naming every unsupported operator).
    /// </summary>
    public static IReadOnlyList<LayerCost> Trace(OnnxModel model, OpRegistry? registry = null)
    {
        using var executor = GraphExecutor.Create(model, CPU, registry);
        using var scope = torch.NewDisposeScope();
        var inputs = model.Graph.Inputs.Select(ZeroInput).ToArray();
        return executor.TraceShapes(inputs)
            .Select(s => new LayerCost(s.Node, s.OutputShapes, s.Macs))
            .ToArray();
    }

    /// <summary>The reason a model's MACs cannot be traced before even trying, or null when they can.</summary>
    public static string? WhyNotTraceable(OnnxGraph graph)
    {
        var shapeless = graph.Inputs.Where(i => i.Shape == null).Select(i => i.Name).ToArray();
        return shapeless.Length == 0 ? null : $"input(s) {string.Join(", ", shapeless)} declare no shape";
    }

    private static Tensor ZeroInput(OnnxValueInfo input)
    {
        var shape = input.Shape!.Select(d => d.Value is > 0 ? d.Value.Value : 1L).ToArray();
        return zeros(shape, dtype: ScalarTypeFor(input.ElementType));
    }

    // The executor holds every floating type as float32 and every integer type as int64.
    private static ScalarType ScalarTypeFor(TensorElementType type) => type switch
    {
        TensorElementType.Bool => ScalarType.Bool,
        TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Double
            or TensorElementType.Undefined => ScalarType.Float32,
        _ => ScalarType.Int64,
    };
}
