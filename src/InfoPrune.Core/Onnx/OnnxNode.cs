using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Onnx;

/// <summary>
/// One operator in the graph. Inputs keep ONNX's convention that an empty name is an omitted
/// optional input. <see cref="Opset"/> is the model's opset for the node's domain, which decides
/// the operator's semantics (e.g. Squeeze axes as attribute before 13, as input from 13).
/// </summary>
public sealed class OnnxNode
{
    /// <summary>Position in the graph's (topologically ordered) node list.</summary>
    public int Index { get; }
    /// <summary>The node name from the file; may be empty.</summary>
    public string Name { get; }
    public string OpType { get; }
    /// <summary>Operator domain; "" is the default ONNX domain ("ai.onnx").</summary>
    public string Domain { get; }
    public long Opset { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; }

    internal OnnxNode(int index, string name, string opType, string domain, long opset,
        IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IReadOnlyDictionary<string, OnnxAttribute> attributes)
    {
        Index = index; Name = name; OpType = opType; Domain = domain; Opset = opset;
        Inputs = inputs; Outputs = outputs; Attributes = attributes;
    }

    /// <summary>The name to show a user: the node name, or op type and first output when unnamed.</summary>
    public string DisplayName => Name.Length > 0 ? Name : $"{OpType}({(Outputs.Count > 0 ? Outputs[0] : Index.ToString())})";

    public bool HasInput(int i) => i < Inputs.Count && Inputs[i].Length > 0;

    public long GetInt(string name, long fallback) =>
        Attributes.TryGetValue(name, out var a) ? a.Int : fallback;
    public float GetFloat(string name, float fallback) =>
        Attributes.TryGetValue(name, out var a) ? a.Float : fallback;
    public string GetString(string name, string fallback) =>
        Attributes.TryGetValue(name, out var a) ? a.String : fallback;
    public IReadOnlyList<long>? GetInts(string name) =>
        Attributes.TryGetValue(name, out var a) ? a.Ints : null;
    public IReadOnlyList<float>? GetFloats(string name) =>
        Attributes.TryGetValue(name, out var a) ? a.Floats : null;

    /// <summary>An attribute the operator cannot do without.</summary>
    public OnnxAttribute RequireAttribute(string name, string? modelPath = null) =>
        Attributes.TryGetValue(name, out var a)
            ? a
            : throw new InfoPruneException(OnnxErrors.BadAttribute, $"node '{DisplayName}' ({OpType}) lacks required attribute '{name}'", modelPath);

    public override string ToString() =>
        $"{DisplayName} = {OpType}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}
