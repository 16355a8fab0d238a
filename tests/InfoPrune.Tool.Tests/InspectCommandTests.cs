using System.Text.Json;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

public class InspectCommandTests
{
    [Fact]
    public void UnsupportedOperatorsAreAllListedWithNodeNamesAndExitCodeFour()
    {
        using var model = new TempModel(TempModel.WithTwoUnsupportedOperatorTypes());

        var result = CliRun.Invoke("inspect", model.Path, "--json");

        Assert.True(result.ExitCode == 4, result.ToString());
        var unsupported = result.Json().GetProperty("unsupported").EnumerateArray()
            .ToDictionary(u => u.GetProperty("op").GetString()!, u => u.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToArray());
        Assert.Equal(new[] { "norm_a", "norm_b" }, unsupported["FancyNorm"]);
        Assert.Equal(new[] { "sparkle_1" }, unsupported["Sparkle"]);
        var errorLines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errorLines.Length);
        Assert.All(errorLines, line => Assert.StartsWith($"{model.Path}: error IP0201: unsupported operator", line));
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("   at ", result.Out);
    }

    [Fact]
    public void UnrunnableModelStillReportsWhatCanBeComputed()
    {
        using var model = new TempModel(TempModel.WithTwoUnsupportedOperatorTypes());

        var json = CliRun.Invoke("inspect", model.Path, "--json").Json();

        Assert.Equal(JsonValueKind.Null, json.GetProperty("macs").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("layers").ValueKind);
        Assert.Equal(2, json.GetProperty("operators").GetProperty("FancyNorm").GetInt32());
        Assert.Equal(1, json.GetProperty("operators").GetProperty("com.example.Sparkle").GetInt32());
        var inputShape = json.GetProperty("inputs")[0].GetProperty("shape");
        Assert.Equal("N", inputShape[0].GetString());
        Assert.Equal(4, inputShape[1].GetInt64());
    }

    [Fact]
    public void MissingModelFileIsBadInputNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "infoprune-no-such-model.onnx");

        var result = CliRun.Invoke("inspect", path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error IP0001", result.Error);
        Assert.Contains(path, result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void FileThatIsNotOnnxIsBadInput()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f });
            var result = CliRun.Invoke("inspect", path);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("error IP0101", result.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("mlp.onnx", 266_610)]
    [InlineData("lenet5.onnx", 61_706)]
    // The exporter aliased two BatchNorm biases with equal values through Identity nodes; PyTorch counts both.
    [InlineData("resnet20_bn.onnx", 272_186)]
    // BatchNorm folded into Conv: 784 BN channels had scale and shift (2 each), now one bias each.
    [InlineData("resnet20.onnx", 272_186 - 784)]
    public void ParameterCountMatchesTheExportedNetwork(string file, long expected)
    {
        var result = CliRun.Invoke("inspect", TestModels.Path(file), "--json");

        Assert.Equal(expected, result.Json().GetProperty("parameters").GetInt64());
    }

    [Fact]
    public void RedirectedTextOutputIsPlainTables()
    {
        var result = CliRun.Invoke("inspect", TestModels.Path("mlp.onnx"));

        Assert.Contains("Parameters  266,610", result.Out);
        Assert.Contains("Gemm", result.Out);
        // Ordinal checks: culture-aware comparison ignores control characters such as ESC.
        Assert.False(result.Out.Contains('│'), "box drawing in redirected output");
        Assert.False(result.Out.Contains('\u001b'), "escape codes in redirected output");
    }

    // Awaits the op families (Flatten, Gemm, Relu) from the ops branch.
    [Fact]
    public void MlpMacsAreTheThreeGemms()
    {
        var result = CliRun.Invoke("inspect", TestModels.Path("mlp.onnx"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(784L * 300 + 300 * 100 + 100 * 10, json.GetProperty("macs").GetInt64());
        var gemms = json.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("op").GetString() == "Gemm")
            .Select(l => l.GetProperty("macs").GetInt64()).ToArray();
        Assert.Equal(new[] { 784L * 300, 300L * 100, 100L * 10 }, gemms);
    }

    // Awaits the op families (Conv, MaxPool, Relu, Flatten, Gemm) from the ops branch.
    [Fact]
    public void LeNetMacsPerLayerAreTracedAtBatchOne()
    {
        var result = CliRun.Invoke("inspect", TestModels.Path("lenet5.onnx"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var layers = result.Json().GetProperty("layers").EnumerateArray()
            .Where(l => l.GetProperty("op").GetString() is "Conv" or "Gemm")
            .Select(l => (Node: l.GetProperty("node").GetString(), Macs: l.GetProperty("macs").GetInt64(),
                Shape: l.GetProperty("outputShape").EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToArray();
        Assert.Equal(new[] { 6L * 28 * 28 * 25, 16L * 10 * 10 * 150, 400L * 120, 120L * 84, 84L * 10 }, layers.Select(l => l.Macs));
        Assert.Equal(new long[] { 1, 6, 28, 28 }, layers[0].Shape);
    }
}

public class InspectGroupsTests
{
    [Fact]
    public void InspectJsonListsChannelGroupsWithWhyFrozen()
    {
        var result = CliRun.Invoke("inspect", TestModels.Path("resnet20_bn.onnx"), "--json");
        Assert.Equal(0, result.ExitCode);
        var groups = result.Json().GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(13, groups.Count);
        Assert.Equal(12, groups.Count(g => g.GetProperty("prunable").GetBoolean()));
        var frozen = Assert.Single(groups, g => !g.GetProperty("prunable").GetBoolean());
        Assert.Contains("graph output 'logits'", frozen.GetProperty("frozenReasons")[0].GetString());
        // The stem and the three residual blocks of stage 1 share one group of 16 channels.
        var stage1 = groups.Single(g => g.GetProperty("name").GetString()!.StartsWith("/conv1/Conv"));
        Assert.Equal(16, stage1.GetProperty("size").GetInt32());
        Assert.Contains(stage1.GetProperty("members").EnumerateArray(), m => m.GetString()!.Contains("layer1.2/conv2"));
    }
}
