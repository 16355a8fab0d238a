using Google.Protobuf;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Tool.Tests.Support;

/// <summary>A model written to a temporary file for the CLI to read; deleted on dispose.</summary>
internal sealed class TempModel : IDisposable
{
    public string Path { get; }

    public TempModel(ModelProto model)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"infoprune-tool-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(Path, model.ToByteArray());
    }

    public void Dispose() => File.Delete(Path);

    /// <summary>
    /// x[N,4] → FancyNorm (2 nodes) → Sparkle (com.example, 1 node) → y: two operator types no
    /// version of the tool implements, one of them outside the default domain.
    /// </summary>
    public static ModelProto WithTwoUnsupportedOperatorTypes()
    {
        var graph = new GraphProto { Name = "unsupported" };
        graph.Input.Add(FloatValue("x", "N", 4));
        graph.Output.Add(FloatValue("y", "N", 4));
        graph.Node.Add(Node("FancyNorm", "", "norm_a", "x", "a"));
        graph.Node.Add(Node("FancyNorm", "", "norm_b", "a", "b"));
        graph.Node.Add(Node("Sparkle", "com.example", "sparkle_1", "b", "y"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "infoprune-tool-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        return model;
    }

    /// <summary>x[N,4] → Relu → y: runs in ONNX Runtime, but takes four features, not images.</summary>
    public static ModelProto WithFourFeatureRelu()
    {
        var graph = new GraphProto { Name = "relu" };
        graph.Input.Add(FloatValue("x", "N", 4));
        graph.Output.Add(FloatValue("y", "N", 4));
        graph.Node.Add(Node("Relu", "", "relu", "x", "y"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "infoprune-tool-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    private static NodeProto Node(string opType, string domain, string name, string input, string output)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = name };
        node.Input.Add(input);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto FloatValue(string name, string batch, long features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }
}
