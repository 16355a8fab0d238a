using Google.Protobuf;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Tests.Support;

/// <summary>
/// Builds small ONNX models in code, for tests of the hard shapes. Shapes use "N" for the batch
/// dimension. Initializers are seeded random floats unless given.
/// </summary>
public sealed class TestModelBuilder
{
    private readonly ModelProto _model = new() { IrVersion = 8, ProducerName = "infoprune-tests", Graph = new GraphProto { Name = "test" } };
    private readonly Random _random;
    private int _nodeCount;

    public TestModelBuilder(long opset = 13, int seed = 1)
    {
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        _random = new Random(seed);
    }

    public GraphProto Graph => _model.Graph;

    public TestModelBuilder Input(string name, params object[] dims) { _model.Graph.Input.Add(ValueInfo(name, TensorElementType.Float, dims)); return this; }
    public TestModelBuilder Output(string name, params object[] dims) { _model.Graph.Output.Add(ValueInfo(name, TensorElementType.Float, dims)); return this; }
    public TestModelBuilder Output(string name, TensorElementType type, params object[] dims) { _model.Graph.Output.Add(ValueInfo(name, type, dims)); return this; }

    /// <summary>A float initializer with values uniform in [low, high).</summary>
    public TestModelBuilder Weight(string name, long[] shape, float low = -0.5f, float high = 0.5f)
    {
        var count = (int)ShapeMath.Product(shape);
        var data = new float[count];
        for (var i = 0; i < count; i++) data[i] = low + (float)_random.NextDouble() * (high - low);
        return Floats(name, shape, data);
    }

    public TestModelBuilder Floats(string name, long[] shape, float[] data)
    {
        _model.Graph.Initializer.Add(OnnxTensor.FromFloats(name, shape, data).ToProto());
        return this;
    }

    public TestModelBuilder Int64s(string name, long[] shape, long[] data)
    {
        _model.Graph.Initializer.Add(OnnxTensor.FromInt64s(name, shape, data).ToProto());
        return this;
    }

    /// <summary>Adds a node; attributes are (name, value) pairs: long, float, string, long[], float[] or OnnxTensor.</summary>
    public TestModelBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType.ToLowerInvariant()}_{_nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _model.Graph.Node.Add(node);
        return this;
    }

    public ModelProto Proto => _model;
    public byte[] Bytes() => _model.ToByteArray();
    public OnnxModel Build() => OnnxModel.Parse(Bytes(), "test.onnx");

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ints.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
            case OnnxTensor t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t.ToProto(); break;
            default: throw new ArgumentException($"attribute {name}: unsupported value {value}");
        }
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d is string s) dim.DimParam = s; else dim.DimValue = Convert.ToInt64(d);
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
