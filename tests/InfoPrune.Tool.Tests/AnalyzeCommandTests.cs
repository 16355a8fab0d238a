using System.Text.Json;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

public class AnalyzeCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"infoprune-analyze-test-{Guid.NewGuid():N}");

    public AnalyzeCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReluMlpWritesEveryFileAndLowMiAblationBeatsRandomInTheFirstLayer()
    {
        // 500 samples to measure, the next 500 to evaluate, five points per curve.
        var (images, labels) = FashionSubset.Write(_directory, "t10k", 1000);
        var output = Path.Combine(_directory, "analysis");

        var result = CliRun.Invoke("analyze", TestModels.Path("mlp.onnx"), "--images", images, "--labels", labels, "--out", output,
            "--samples", "500", "--eval-samples", "500", "--steps", "5", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Json();
        Assert.False(summary.GetProperty("samplesOverlap").GetBoolean());
        Assert.InRange(summary.GetProperty("originalAccuracy").GetDouble(), 0.8, 0.95);
        foreach (var file in new[] { "units.json", "units.csv", "layers.json", "ablation.json", "ablation.csv", "report.html" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        foreach (var file in new[] { "units.json", "layers.json", "ablation.json" })
            using (JsonDocument.Parse(File.ReadAllText(Path.Combine(output, file)))) { }
        Assert.Equal(1 + 300 + 100, File.ReadAllLines(Path.Combine(output, "units.csv")).Length);

        // fc3 reaches the output and is frozen; fc1 (300 units) and fc2 (100) are the hidden layers.
        var layers = summary.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(new[] { 300, 100 }, layers.Select(l => l.GetProperty("units").GetInt32()));
        var first = layers[0];
        Assert.Equal("Relu", first.GetProperty("activation").GetString());
        // The paper's Section 5.3: ablating low-MI units first costs less accuracy than ablating at random.
        Assert.True(first.GetProperty("miLowFirst").GetDouble() >= first.GetProperty("random").GetDouble(), first.ToString());
        Assert.True(first.GetProperty("firstHalf").GetProperty("miLowFirst").GetDouble() >= first.GetProperty("firstHalf").GetProperty("random").GetDouble(), first.ToString());
    }

    [Fact]
    public void TextSummaryNamesEachLayerAndTheReport()
    {
        var (images, labels) = FashionSubset.Write(_directory, "t10k", 300);
        var output = Path.Combine(_directory, "text");

        var result = CliRun.Invoke("analyze", TestModels.Path("mlp.onnx"), "--images", images, "--labels", labels, "--out", output,
            "--samples", "300", "--eval-samples", "300", "--steps", "3", "--seeds", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("/fc1/Gemm (300 units, Relu)", result.Out);
        Assert.Contains("/fc2/Gemm (100 units, Relu)", result.Out);
        Assert.Contains("MI low→high", result.Out);
        Assert.Contains("0–50%", result.Out);
        Assert.Matches(@"best measure to zero: [a-z-]+ low→high \d+\.\d\d%, [+−]\d+\.\d\d pt vs random", result.Out);
        Assert.Contains("overlap", result.Out);
        Assert.Contains(Path.Combine(output, "report.html"), result.Out);
    }

    [Theory]
    [InlineData("analyze", "m.onnx", "--labels", "l")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--steps", "1")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--samples", "0")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--seeds", "-1")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--measures", "mi")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--layers", "/[/")]
    [InlineData("analyze", "m.onnx", "--images", "i", "--labels", "l", "--layers", "//")]
    public void InvalidArgumentsAreBadInput(params string[] args)
    {
        var result = CliRun.Invoke(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void LayersAndMeasuresNarrowTheAnalysis()
    {
        var (images, labels) = FashionSubset.Write(_directory, "t10k", 200);
        var output = Path.Combine(_directory, "narrow");

        var result = CliRun.Invoke("analyze", TestModels.Path("mlp.onnx"), "--images", images, "--labels", labels, "--out", output,
            "--samples", "100", "--eval-samples", "100", "--steps", "3", "--seeds", "1",
            "--layers", "/fc2/", "--measures", "mutual-information,kl-selectivity", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var layer = Assert.Single(result.Json().GetProperty("layers").EnumerateArray());
        Assert.Equal("/fc2/Gemm", layer.GetProperty("layer").GetString());
        // Two measures, low and high first, plus one random order.
        Assert.Equal(new[] { "mutual-information-low", "mutual-information-high", "kl-selectivity-low", "kl-selectivity-high", "random-1" },
            layer.GetProperty("meanAccuracy").EnumerateObject().Select(p => p.Name));
        // The best measure to prune by is the low→high ordering that kept the most accuracy.
        var lowFirst = layer.GetProperty("meanAccuracy").EnumerateObject().Where(p => p.Name.EndsWith("-low", StringComparison.Ordinal))
            .OrderByDescending(p => p.Value.GetDouble()).ThenBy(p => p.Name, StringComparer.Ordinal).First();
        var best = layer.GetProperty("bestLowFirst");
        Assert.Equal(lowFirst.Name[..^"-low".Length], best.GetProperty("measure").GetString());
        Assert.Equal(lowFirst.Value.GetDouble(), best.GetProperty("meanAccuracy").GetDouble());
    }

    [Fact]
    public void EveryLayerThatMatchesNothingIsReportedBeforeMeasuring()
    {
        var (images, labels) = FashionSubset.Write(_directory, "t10k", 200);

        var result = CliRun.Invoke("analyze", TestModels.Path("mlp.onnx"), "--images", images, "--labels", labels,
            "--out", Path.Combine(_directory, "none"), "--layers", "/nope/", "/fc3/", "/fc1/");

        Assert.True(result.ExitCode == 2, result.ToString());
        var errors = result.Error.Split('\n').Where(l => l.Contains("error IP0652")).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.Contains("'/nope/'") && e.Contains("/fc1/Gemm, /fc2/Gemm"));
        Assert.Contains(errors, e => e.Contains("'/fc3/'"));
        Assert.DoesNotContain("measuring", result.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, "none")));
    }

    [Fact]
    public void MissingFilesAreReportedTogether()
    {
        var missing = Path.Combine(_directory, "missing");

        var result = CliRun.Invoke("analyze", missing + ".onnx", "--images", missing + "-images", "--labels", missing + "-labels");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(3, result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("error IP0001")));
    }
}
