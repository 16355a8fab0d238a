using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>What a family may consult while compiling a node: the graph, constants, and where to report problems.</summary>
public sealed class CompileContext
{
    public OnnxGraph Graph { get; }
    public string? ModelPath { get; }
    public DiagnosticBag Diagnostics { get; }

    public CompileContext(OnnxGraph graph, string? modelPath, DiagnosticBag diagnostics)
    {
        Graph = graph;
        ModelPath = modelPath;
        Diagnostics = diagnostics;
    }

    /// <summary>
    /// The value of an input known before running (an initializer, or a Constant node's output),
    /// or null when it is computed at run time.
    /// </summary>
    public OnnxTensor? ConstantInput(OnnxNode node, int index)
    {
        if (!node.HasInput(index)) return null;
        var name = node.Inputs[index];
        if (Graph.Initializers.TryGetValue(name, out var tensor)) return tensor;
        var producer = Graph.Producer(name);
        if (producer is { OpType: "Constant" } && producer.Attributes.TryGetValue("value", out var value)) return value.Tensor;
        return null;
    }

    /// <summary>
    /// Reports a use of a claimed operator the executor does not support (the model is valid,
    /// the tool cannot run it: exit code 4), naming the node. <paramref name="code"/> defaults
    /// to <see cref="OpsErrors.UnsupportedUsage"/>.
    /// </summary>
    public void Unsupported(OnnxNode node, ErrorCode? code, string message) =>
        Diagnostics.Error(code ?? OpsErrors.UnsupportedUsage, $"node '{node.DisplayName}' ({node.OpType}, opset {node.Opset}): {message}", ModelPath);

    /// <summary>Reports an attribute that contradicts a constant input of the node, naming both.</summary>
    public void Contradiction(OnnxNode node, string message) =>
        Diagnostics.Error(OnnxErrors.AttributeContradictsWeights, $"node '{node.DisplayName}' ({node.OpType}): {message}", ModelPath);

    /// <summary>Reports a bad attribute on a node, naming it.</summary>
    public void BadAttribute(OnnxNode node, string message) =>
        Diagnostics.Error(OnnxErrors.BadAttribute, $"node '{node.DisplayName}' ({node.OpType}): {message}", ModelPath);
}
