using Google.Protobuf;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Bench;

/// <summary>
/// A MobileNet-style classifier for 1×28×28 inputs, written as ONNX the way PyTorch exports one
/// (opset 13; Conv without bias, BatchNormalization, ReLU6 as Clip with constant bounds; dynamic
/// batch): a 3×3 stem, depthwise-separable blocks (3×3 depthwise, 1×1 pointwise, each followed by
/// BatchNormalization and ReLU6), global average pooling and a linear head. Weights are He-
/// initialised from a seed; the latency benchmark needs no training, the accuracy runs train it
/// with the tool (target ratio 1 and fine-tuning).
/// </summary>
internal static class DepthwiseNet
{
    /// <summary>(input channels, output channels, stride) per block, after a stem of <c>Stem</c> channels.</summary>
    private const int Stem = 32;
    private static readonly (int In, int Out, int Stride)[] Blocks =
        [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1)];

    public static byte[] Build(int seed = 7)
    {
        var random = new Random(seed);
        var model = new ModelProto { IrVersion = 8, ProducerName = "infoprune-bench", Graph = new GraphProto { Name = "depthwise_net" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var g = model.Graph;
        g.Input.Add(Value("input", "N", 1, 28, 28));
        g.Output.Add(Value("logits", "N", 10));
        g.Initializer.Add(OnnxTensor.FromFloats("clip_min", [], [0f]).ToProto());
        g.Initializer.Add(OnnxTensor.FromFloats("clip_max", [], [6f]).ToProto());

        var x = ConvBnRelu6(g, random, "stem", "input", 1, Stem, 3, 2, 1);
        for (var i = 0; i < Blocks.Length; i++)
        {
            var (c, o, s) = Blocks[i];
            x = ConvBnRelu6(g, random, $"b{i}.dw", x, c, c, 3, s, c);
            x = ConvBnRelu6(g, random, $"b{i}.pw", x, c, o, 1, 1, 1);
        }
        Node(g, "GlobalAveragePool", "pool", [x], ["pooled"]);
        Node(g, "Flatten", "flatten", ["pooled"], ["features"], ("axis", 1L));
        var last = Blocks[^1].Out;
        g.Initializer.Add(OnnxTensor.FromFloats("fc.weight", [10, last], He(random, 10 * last, last)).ToProto());
        g.Initializer.Add(OnnxTensor.FromFloats("fc.bias", [10], new float[10]).ToProto());
        Node(g, "Gemm", "fc", ["features", "fc.weight", "fc.bias"], ["logits"], ("transB", 1L));
        return model.ToByteArray();
    }

    private static string ConvBnRelu6(GraphProto g, Random random, string name, string input, int inChannels, int outChannels, int kernel, int stride, int group)
    {
        var perFilter = inChannels / group * kernel * kernel;
        g.Initializer.Add(OnnxTensor.FromFloats($"{name}.weight", [outChannels, inChannels / group, kernel, kernel], He(random, outChannels * perFilter, perFilter)).ToProto());
        var pad = kernel / 2;
        Node(g, "Conv", $"{name}.conv", [input, $"{name}.weight"], [$"{name}.conv_out"],
            ("kernel_shape", new long[] { kernel, kernel }), ("strides", new long[] { stride, stride }), ("pads", new long[] { pad, pad, pad, pad }),
            ("group", (long)group), ("dilations", new long[] { 1, 1 }));
        g.Initializer.Add(OnnxTensor.FromFloats($"{name}.bn.scale", [outChannels], Uniform(random, outChannels, 0.8f, 1.2f)).ToProto());
        g.Initializer.Add(OnnxTensor.FromFloats($"{name}.bn.bias", [outChannels], Uniform(random, outChannels, -0.1f, 0.1f)).ToProto());
        g.Initializer.Add(OnnxTensor.FromFloats($"{name}.bn.mean", [outChannels], Uniform(random, outChannels, -0.1f, 0.1f)).ToProto());
        g.Initializer.Add(OnnxTensor.FromFloats($"{name}.bn.var", [outChannels], Uniform(random, outChannels, 0.5f, 1.5f)).ToProto());
        Node(g, "BatchNormalization", $"{name}.bn", [$"{name}.conv_out", $"{name}.bn.scale", $"{name}.bn.bias", $"{name}.bn.mean", $"{name}.bn.var"],
            [$"{name}.bn_out"], ("epsilon", 1e-5f));
        Node(g, "Clip", $"{name}.relu6", [$"{name}.bn_out", "clip_min", "clip_max"], [$"{name}.out"]);
        return $"{name}.out";
    }

    private static float[] He(Random random, int count, int fanIn)
    {
        var std = Math.Sqrt(2.0 / fanIn);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller: a normal sample from two uniform ones.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    private static float[] Uniform(Random random, int count, float low, float high) =>
        Enumerable.Range(0, count).Select(_ => low + (float)random.NextDouble() * (high - low)).ToArray();

    private static void Node(GraphProto g, string op, string name, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (key, value) in attributes)
        {
            var a = new AttributeProto { Name = key };
            switch (value)
            {
                case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
                case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
                case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            }
            node.Attribute.Add(a);
        }
        g.Node.Add(node);
    }

    private static ValueInfoProto Value(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
