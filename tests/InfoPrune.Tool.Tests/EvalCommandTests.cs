using System.Text.Json;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

public class EvalCommandTests
{
    private static string[] EvalArgs(string model, string runtime, params string[] extra) =>
        new[] { "eval", TestModels.Path(model), "--images", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels, "--runtime", runtime }
            .Concat(extra).ToArray();

    [Theory]
    [InlineData("eval")]
    [InlineData("eval", "m.onnx", "--labels", "l")]
    [InlineData("eval", "m.onnx", "--images", "i")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--runtime", "tensorflow")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--batch-size", "0")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--batch-size", "many")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--limit", "-5")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--threads", "0")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--no-such-option")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--scale", "0")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--std", "0.5,0")]
    [InlineData("eval", "m.onnx", "--images", "i", "--labels", "l", "--mean", "half")]
    [InlineData("frobnicate")]
    [InlineData()]
    public void InvalidArgumentsAreBadInput(params string[] args)
    {
        var result = CliRun.Invoke(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.NotEqual("", result.Error.Trim());
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void PreprocessingOptionsComposeAsThePolicysDo()
    {
        // (x · 0.5/255 − 0) / 0.5 is the default x / 255: same accuracy. Normalising inputs the
        // model was not trained on changes it: the options reach the data.
        double Accuracy(params string[] extra) => CliRun.Invoke(EvalArgs("lenet5.onnx", "torch", [.. extra, "--limit", "500", "--json"]))
            .Json().GetProperty("accuracy").GetDouble();

        var plain = Accuracy();
        Assert.Equal(plain, Accuracy("--scale", (0.5 / 255).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--mean", "0", "--std", "0.5"));
        Assert.True(Accuracy("--mean", "0.5", "--std", "0.5") < plain - 0.2);
    }

    [Fact]
    public void EveryMissingFileIsReported()
    {
        var missing = Path.Combine(Path.GetTempPath(), "infoprune-missing");

        var result = CliRun.Invoke("eval", missing + ".onnx", "--images", missing + "-images", "--labels", missing + "-labels");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(3, result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("error IP0001")));
        Assert.Contains(missing + "-labels", result.Error);
    }

    [Fact]
    public void OrtJsonIsOneObjectWithAccuracyAndSampleCount()
    {
        var result = CliRun.Invoke(EvalArgs("mlp.onnx", "ort", "--limit", "1000", "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(1000, json.GetProperty("n").GetInt64());
        Assert.Equal("ort", json.GetProperty("runtime").GetString());
        Assert.InRange(json.GetProperty("accuracy").GetDouble(), 0.85, 0.95);
        Assert.True(json.GetProperty("seconds").GetDouble() >= 0);
        Assert.EndsWith("mlp.onnx", json.GetProperty("model").GetString());
    }

    [Fact]
    public void LimitStopsMidBatch()
    {
        var result = CliRun.Invoke(EvalArgs("lenet5.onnx", "ort", "--limit", "300", "--batch-size", "256", "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(300, result.Json().GetProperty("n").GetInt64());
    }

    [Fact]
    public void OrtMatchesPublishedTestAccuracyOfResNet20()
    {
        var result = CliRun.Invoke(EvalArgs("resnet20.onnx", "ort", "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(10_000, json.GetProperty("n").GetInt64());
        Assert.Equal(0.9214, json.GetProperty("accuracy").GetDouble(), 4);
    }

    [Fact]
    public void TorchRuntimeOnUnsupportedModelExitsFour()
    {
        using var model = new TempModel(TempModel.WithTwoUnsupportedOperatorTypes());

        var result = CliRun.Invoke("eval", model.Path, "--images", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("error IP0201", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void OrtRefusingTheModelIsBadInput()
    {
        using var model = new TempModel(TempModel.WithTwoUnsupportedOperatorTypes());

        var result = CliRun.Invoke("eval", model.Path, "--images", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels, "--runtime", "ort", "--limit", "8");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error IP0150", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void DataThatDoesNotFitTheModelIsBadInput()
    {
        using var model = new TempModel(TempModel.WithFourFeatureRelu());

        var result = CliRun.Invoke("eval", model.Path, "--images", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels, "--runtime", "ort", "--limit", "8");

        Assert.True(result.ExitCode == 2, result.ToString());
        // The reader checks samples against the model's input before anything runs, naming the file.
        Assert.Contains("t10k-images-idx3-ubyte.gz: error IP0309", result.Error);
        Assert.Contains("the model takes [4]", result.Error);
    }

    // Awaits the op families from the ops branch.
    [Theory]
    [InlineData("mlp.onnx", 0.8955)]
    [InlineData("lenet5.onnx", 0.9020)]
    [InlineData("resnet20_bn.onnx", 0.9214)]
    public void TorchMatchesPublishedTestAccuracy(string file, double published)
    {
        var result = CliRun.Invoke(EvalArgs(file, "torch", "--json", "--batch-size", "500"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(10_000, json.GetProperty("n").GetInt64());
        // Float rounding may move a few borderline samples between PyTorch and TorchSharp.
        Assert.Equal(published, json.GetProperty("accuracy").GetDouble(), tolerance: 0.002);
    }

    // Awaits the op families from the ops branch.
    [Fact]
    public void TorchAndOrtAgreeOnTheSameSamples()
    {
        var torch = CliRun.Invoke(EvalArgs("lenet5.onnx", "torch", "--json", "--limit", "2000")).Json();
        var ort = CliRun.Invoke(EvalArgs("lenet5.onnx", "ort", "--json", "--limit", "2000")).Json();

        Assert.Equal(ort.GetProperty("correct").GetInt64(), torch.GetProperty("correct").GetInt64());
    }

    [Fact]
    public void TextOutputNamesAccuracyAndRuntime()
    {
        var result = CliRun.Invoke(EvalArgs("mlp.onnx", "ort", "--limit", "200"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("accuracy ", result.Out);
        Assert.Contains("/200) ort", result.Out);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(result.Out));
    }
}
