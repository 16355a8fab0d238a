using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Analysis;

/// <summary>
/// Counts a model's parameters the way training frameworks report them, from the ONNX file alone.
/// </summary>
/// <remarks>
/// The rule:
/// <list type="bullet">
/// <item>every element of every floating-point initializer counts;</item>
/// <item>except BatchNormalization's running mean and variance (inputs 3 and 4): statistics, not weights;</item>
/// <item>an Identity node that copies a counted initializer counts again: PyTorch's exporter
/// replaces parameters whose values happen to be equal by one initializer plus Identity
/// aliases, yet they were separate parameters in the network;</item>
/// <item>integer initializers (shapes, axes, indices) and Constant nodes never count.</item>
/// </list>
/// A BatchNorm-folded export has fewer parameters than the network it came from: each folded
/// BatchNormalization's scale and shift (two per channel) become one Conv bias per channel.
/// The count is of the file, so it reports the folded number.
/// </remarks>
public static class ParameterCounter
{
    /// <summary>The parameter tensors: counted initializers, plus one entry per Identity alias of one.</summary>
    public static IReadOnlyList<OnnxTensor> WeightTensors(OnnxGraph graph, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var statistics = RunningStatistics(graph, registry);
        bool IsWeight(OnnxTensor t) => t.IsFloatingPoint && !statistics.Contains(t.Name);

        var weights = graph.Initializers.Values.Where(IsWeight).ToList();
        foreach (var node in graph.Nodes.Where(n => registry.FindAtAnyOpset(n)?.ForwardsInput(n) == true && n.HasInput(0) && n.Outputs.Count > 0))
        {
            if (graph.Initializers.TryGetValue(node.Inputs[0], out var source) && IsWeight(source) && !statistics.Contains(node.Outputs[0]))
                weights.Add(source);
        }
        return weights;
    }

    /// <summary>Total element count of <see cref="WeightTensors"/>.</summary>
    public static long Count(OnnxGraph graph, OpRegistry? registry = null) => WeightTensors(graph, registry).Sum(t => t.ElementCount);

    /// <summary>The initializers ops update as state rather than learn (BatchNormalization's running mean and variance).</summary>
    private static HashSet<string> RunningStatistics(OnnxGraph graph, OpRegistry registry)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            if (registry.FindAtAnyOpset(node) is { } family)
                foreach (var input in family.StateInputs(node).Where(node.HasInput))
                    names.Add(node.Inputs[input]);
        return names;
    }
}
