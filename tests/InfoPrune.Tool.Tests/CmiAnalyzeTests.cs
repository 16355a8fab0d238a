using System.Text.Json;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>`analyze --cmi`: the cmi walk and cutoffs without pruning.</summary>
public class CmiAnalyzeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"infoprune-cmi-analyze-{Guid.NewGuid():N}");

    public CmiAnalyzeTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void CmiAnalysisWritesEachLayersCurveCutoffAndTheVisitingOrder()
    {
        var (images, labels) = FashionSubset.Write(_directory, "t10k", 100);
        var output = Path.Combine(_directory, "analysis");

        var result = CliRun.Invoke("analyze", TestModels.Path("lenet5.onnx"), "--images", images, "--labels", labels, "--out", output,
            "--cmi", "--cmi-samples", "48", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "cmi.json")));
        var root = written.RootElement;
        Assert.Equal(48, root.GetProperty("samples").GetInt32());
        var visited = root.GetProperty("visitingOrder").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(visited, layers.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(["/conv1/Conv", "/conv2/Conv", "/fc1/Gemm", "/fc2/Gemm"], visited.Order());
        foreach (var layer in layers)
        {
            var channels = layer.GetProperty("channels").GetInt32();
            Assert.Equal(channels + 1, layer.GetProperty("cumulative").GetArrayLength());
            Assert.Equal(channels, layer.GetProperty("order").GetArrayLength());
            Assert.InRange(layer.GetProperty("cutoff").GetInt32(), 1, channels);
            Assert.Contains($"{layer.GetProperty("name").GetString()}: cutoff keeps {layer.GetProperty("cutoff").GetInt32()} of {channels} channels", result.Out);
        }
    }

    [Fact]
    public void CmiSamplesOutOfRangeIsRefused()
    {
        var result = CliRun.Invoke("analyze", TestModels.Path("lenet5.onnx"), "--images", "x", "--labels", "y", "--cmi", "--cmi-samples", "4");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cmi-samples must be between 8 and 1024", result.Error);
    }
}
