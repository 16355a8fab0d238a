using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Onnx;

/// <summary>A node attribute, decoded. Only the field matching <see cref="Type"/> is meaningful.</summary>
public sealed class OnnxAttribute
{
    public string Name { get; }
    public AttributeProto.Types.AttributeType Type { get; }
    public float Float { get; }
    public long Int { get; }
    public string String { get; }
    public OnnxTensor? Tensor { get; }
    public IReadOnlyList<float> Floats { get; }
    public IReadOnlyList<long> Ints { get; }
    public IReadOnlyList<string> Strings { get; }

    internal OnnxAttribute(AttributeProto proto, string? baseDirectory, string? modelPath)
    {
        Name = proto.Name;
        Type = proto.Type;
        Float = proto.F;
        Int = proto.I;
        String = proto.S.ToStringUtf8();
        Tensor = proto.T == null ? null : OnnxTensor.FromProto(proto.T, baseDirectory, modelPath);
        Floats = proto.Floats.ToArray();
        Ints = proto.Ints.ToArray();
        Strings = proto.Strings.Select(s => s.ToStringUtf8()).ToArray();
    }

    public override string ToString() => Type switch
    {
        AttributeProto.Types.AttributeType.Float => $"{Name}={Float}",
        AttributeProto.Types.AttributeType.Int => $"{Name}={Int}",
        AttributeProto.Types.AttributeType.String => $"{Name}=\"{String}\"",
        AttributeProto.Types.AttributeType.Ints => $"{Name}=[{string.Join(",", Ints)}]",
        AttributeProto.Types.AttributeType.Floats => $"{Name}=[{string.Join(",", Floats)}]",
        _ => $"{Name}:{Type}",
    };
}
