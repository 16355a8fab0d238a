using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Onnx;

/// <summary>One dimension of a declared shape: a fixed size, a symbolic name (e.g. the batch), or unknown.</summary>
public readonly record struct Dimension(long? Value, string? Symbol)
{
    public bool IsFixed => Value.HasValue;
    public override string ToString() => Value?.ToString() ?? Symbol ?? "?";
}

/// <summary>A graph input, output or intermediate value as declared in the model: name, element type, shape.</summary>
public sealed record OnnxValueInfo(string Name, TensorElementType ElementType, IReadOnlyList<Dimension>? Shape)
{
    public int? Rank => Shape?.Count;

    internal static OnnxValueInfo FromProto(ValueInfoProto proto)
    {
        var tensor = proto.Type?.TensorType;
        IReadOnlyList<Dimension>? shape = null;
        if (tensor?.Shape != null)
        {
            shape = tensor.Shape.Dim.Select(d => d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => new Dimension(d.DimValue, null),
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => new Dimension(null, d.DimParam),
                _ => new Dimension(null, null),
            }).ToArray();
        }
        return new OnnxValueInfo(proto.Name, (TensorElementType)(tensor?.ElemType ?? 0), shape);
    }

    public override string ToString() =>
        $"{Name}: {ElementType}" + (Shape == null ? "" : "[" + string.Join(",", Shape) + "]");
}
