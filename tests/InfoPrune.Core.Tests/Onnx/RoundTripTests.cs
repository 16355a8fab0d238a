using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Core.Tests.Support;
using Google.Protobuf;

namespace InfoPrune.Core.Tests.Onnx;

public class RoundTripTests
{
    public static IEnumerable<object[]> PyTorchExportFiles() =>
        new[] { "mlp.onnx", "lenet5.onnx", "resnet20.onnx", "resnet20_bn.onnx" }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(PyTorchExportFiles))]
    public void PyTorchExportRoundTripsToIdenticalBytes(string file)
    {
        var path = TestModels.Path(file);
        var original = File.ReadAllBytes(path);
        var model = OnnxModel.Load(path);
        Assert.Equal(original, model.ToBytes());
    }

    [Theory]
    [MemberData(nameof(PyTorchExportFiles))]
    public void PyTorchExportDecodesShapesAndInitializers(string file)
    {
        var model = OnnxModel.Load(TestModels.Path(file));
        var input = Assert.Single(model.Graph.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(new long?[] { null, 1, 28, 28 }, input.Shape!.Select(d => d.Value).ToArray());
        Assert.False(input.Shape![0].IsFixed);
        Assert.Equal("logits", Assert.Single(model.Graph.Outputs).Name);
        Assert.Equal(13, model.Opsets[""]);
        Assert.All(model.Graph.Initializers.Values, t => Assert.Equal(t.ElementCount, t.IsFloatingPoint ? t.ToFloatArray().Length : t.ToInt64Array().Length));
    }

    [Fact]
    public void UnknownFieldsAndMetadataSurviveRoundTrip()
    {
        var builder = new TestModelBuilder().Input("x", "N", 2).Output("y", "N", 2).Node("Relu", new[] { "x" }, new[] { "y" });
        builder.Proto.MetadataProps.Add(new StringStringEntryProto { Key = "author", Value = "me" });
        var bytes = builder.Bytes();
        // Append a field this schema does not know (number 99, a string) to the model and to a node.
        var withUnknown = bytes.Concat(new byte[] { (99 << 3 | 2) & 0x7F | 0x80, 99 >> 4, 3, (byte)'a', (byte)'b', (byte)'c' }).ToArray();
        var model = OnnxModel.Parse(withUnknown);
        Assert.Equal(withUnknown, model.ToBytes());
        Assert.Equal("me", model.Metadata["author"]);
    }

    [Fact]
    public void Float16InitializerDecodesToFloat32AndWritesBackAsFloat16()
    {
        var builder = new TestModelBuilder().Input("x", "N", 2).Output("y", "N", 2).Node("Add", new[] { "x", "c" }, new[] { "y" });
        var halves = new[] { (Half)1.5f, (Half)(-2.25f) };
        builder.Graph.Initializer.Add(new TensorProto
        {
            Name = "c", DataType = (int)TensorElementType.Float16, Dims = { 2 },
            RawData = ByteString.CopyFrom(halves.SelectMany(h => BitConverter.GetBytes(h)).ToArray()),
        });
        var model = builder.Build();
        var tensor = model.Graph.Initializers["c"];
        Assert.Equal(new[] { 1.5f, -2.25f }, tensor.ToFloatArray());
        var rewritten = tensor.ToProto(model.InitializerProto("c"));
        Assert.Equal((int)TensorElementType.Float16, rewritten.DataType);
        Assert.Equal(model.InitializerProto("c")!.RawData, rewritten.RawData);
    }

    [Theory]
    [InlineData(TensorElementType.Int64)]
    [InlineData(TensorElementType.Int32)]
    [InlineData(TensorElementType.UInt8)]
    [InlineData(TensorElementType.Bool)]
    public void IntegerInitializersDecodeFromRawAndTypedFields(TensorElementType type)
    {
        var values = new long[] { 0, 1, 1, 0, 1 };
        var raw = OnnxTensor.FromInt64s("t", new long[] { 5 }, values, type).ToProto();
        Assert.Equal(values, OnnxTensor.FromProto(raw, null, null).ToInt64Array());
        var typed = OnnxTensor.FromInt64s("t", new long[] { 5 }, values, type).ToProto(new TensorProto { Name = "t" });
        Assert.False(typed.HasRawData);
        Assert.Equal(values, OnnxTensor.FromProto(typed, null, null).ToInt64Array());
    }

    [Fact]
    public void ExternalDataIsResolvedNextToTheModelAndInlinedOnWrite()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-ext").FullName;
        var weights = new[] { 1f, 2f, 3f, 4f };
        File.WriteAllBytes(Path.Combine(folder, "weights.bin"), new byte[8].Concat(weights.SelectMany(BitConverter.GetBytes)).ToArray());
        var builder = new TestModelBuilder().Input("x", "N", 4).Output("y", "N", 4).Node("Add", new[] { "x", "w" }, new[] { "y" });
        builder.Graph.Initializer.Add(new TensorProto
        {
            Name = "w", DataType = 1, Dims = { 4 }, DataLocation = TensorProto.Types.DataLocation.External,
            ExternalData = { new StringStringEntryProto { Key = "location", Value = "weights.bin" }, new StringStringEntryProto { Key = "offset", Value = "8" }, new StringStringEntryProto { Key = "length", Value = "16" } },
        });
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, builder.Bytes());

        var model = OnnxModel.Load(path);
        Assert.Equal(weights, model.Graph.Initializers["w"].ToFloatArray());
        var reread = OnnxModel.Parse(model.ToBytes());
        Assert.Equal(weights, reread.Graph.Initializers["w"].ToFloatArray());
        Assert.Equal(TensorProto.Types.DataLocation.Default, reread.InitializerProto("w")!.DataLocation);
    }

    [Fact]
    public void MissingExternalDataNamesTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-ext").FullName;
        var builder = new TestModelBuilder().Input("x", "N", 4).Output("y", "N", 4).Node("Add", new[] { "x", "w" }, new[] { "y" });
        builder.Graph.Initializer.Add(new TensorProto
        {
            Name = "w", DataType = 1, Dims = { 4 }, DataLocation = TensorProto.Types.DataLocation.External,
            ExternalData = { new StringStringEntryProto { Key = "location", Value = "gone.bin" } },
        });
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, builder.Bytes());
        var error = Assert.Throws<InfoPruneException>(() => OnnxModel.Load(path));
        Assert.Equal(OnnxErrors.ExternalDataMissing, error.Code);
        Assert.Contains("gone.bin", error.Message);
    }

    [Fact]
    public void NodesOutOfOrderAreSortedTopologically()
    {
        var builder = new TestModelBuilder().Input("x", "N", 2).Output("z", "N", 2)
            .Node("Relu", new[] { "y" }, new[] { "z" })
            .Node("Neg", new[] { "x" }, new[] { "y" });
        var model = builder.Build();
        Assert.Equal(new[] { "Neg", "Relu" }, model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(builder.Bytes(), model.ToBytes());
    }

    [Fact]
    public void EveryDanglingInputIsReported()
    {
        var model = new TestModelBuilder().Input("x", "N", 2).Output("z", "N", 2)
            .Node("Add", new[] { "x", "missing1" }, new[] { "y" })
            .Node("Add", new[] { "y", "missing2" }, new[] { "z" });
        var error = Assert.Throws<InfoPruneException>(() => model.Build());
        Assert.Equal(2, error.Diagnostics.Count);
        Assert.All(error.Diagnostics, d => Assert.Equal(OnnxErrors.BrokenGraph, d.Code));
        Assert.Contains("missing1", error.Diagnostics[0].Message);
        Assert.Contains("missing2", error.Diagnostics[1].Message);
    }

    [Fact]
    public void CycleIsReportedWithItsNodes()
    {
        var model = new TestModelBuilder().Input("x", "N", 2).Output("z", "N", 2)
            .Node("Add", new[] { "x", "z" }, new[] { "y" })
            .Node("Relu", new[] { "y" }, new[] { "z" });
        var error = Assert.Throws<InfoPruneException>(() => model.Build());
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public void GarbageBytesAreNotOnnx()
    {
        var error = Assert.Throws<InfoPruneException>(() => OnnxModel.Parse(new byte[] { 0xFF, 0xFF, 0xFF, 0x01, 0x02 }, "junk.onnx"));
        Assert.Equal(OnnxErrors.NotOnnx, error.Code);
        Assert.Equal("junk.onnx", error.Diagnostics[0].File);
    }

    [Fact]
    public void SaveIsAtomicAndLeavesNoTempFile()
    {
        var folder = Directory.CreateTempSubdirectory("infoprune-save").FullName;
        var model = OnnxModel.Load(TestModels.Path("mlp.onnx"));
        var target = Path.Combine(folder, "out.onnx");
        model.Save(target);
        Assert.Equal(File.ReadAllBytes(TestModels.Path("mlp.onnx")), File.ReadAllBytes(target));
        Assert.Single(Directory.GetFiles(folder));
    }
}
