using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;
using Newtonsoft.Json.Linq;
using TorchSharp;
using InfoPrune.Core.Execution;

namespace InfoPrune.Core.Tests.Execution;

/// <summary>The PyTorch-exported models run in TorchSharp as in ONNX Runtime and as in PyTorch.</summary>
public class PyTorchExportParityTests
{
    public static IEnumerable<object[]> Models() =>
        new[] { "mlp.onnx", "lenet5.onnx", "resnet20.onnx", "resnet20_bn.onnx" }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Models))]
    public void TorchSharpMatchesOnnxRuntime(string file)
    {
        var model = OnnxModel.Load(TestModels.Path(file));
        var difference = ParityAssert.MaxAbsDifference(model, new long[] { 4, 1, 28, 28 }, seed: 3, low: 0f, high: 1f);
        Assert.True(difference <= 1e-4, $"{file}: max |torch - ort| = {difference:G4}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TorchSharpMatchesPyTorchReferenceLogitsOnFashionMnist(string file)
    {
        var reference = JObject.Parse(File.ReadAllText(TestModels.Path("reference_logits.json")));
        var entry = reference["files"]![file]!;
        var expected = ((JArray)entry["logits"]!).Select(row => row.Select(v => (float)v).ToArray()).ToArray();
        Assert.Equal(((JArray)entry["test_indices"]!).Select(v => (int)v), Enumerable.Range(0, expected.Length));

        var images = ReadFirstImages(FashionMnist.TestImages, expected.Length);
        using var executor = GraphExecutor.Create(OnnxModel.Load(TestModels.Path(file)), torch.CPU);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = executor.Forward(torch.tensor(images, new long[] { expected.Length, 1, 28, 28 })).data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
            for (var c = 0; c < 10; c++)
                Assert.True(Math.Abs(logits[i * 10 + c] - expected[i][c]) <= 1e-4, $"{file} image {i} class {c}: {logits[i * 10 + c]} vs PyTorch {expected[i][c]}");
    }

    private static float[] ReadFirstImages(string gzPath, int count)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(gzPath), System.IO.Compression.CompressionMode.Decompress);
        var header = new byte[16];
        stream.ReadExactly(header);
        var pixels = new byte[count * 784];
        stream.ReadExactly(pixels);
        return pixels.Select(p => p / 255f).ToArray();
    }
}
