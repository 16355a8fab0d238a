using InfoPrune.Core.Validation;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

public class ErrorHandlingTests
{
    private sealed class FailingDatasetOpener : IDatasetOpener
    {
        public IBatchSource Open(string imagesPath, string labelsPath, InfoPrune.Core.Onnx.OnnxModel model, InfoPrune.Core.Data.Preprocessing preprocessing) =>
            throw new InvalidOperationException("reader exploded\nnative frame 1\nnative frame 2");
    }

    private static string[] EvalArgs(params string[] extra) =>
        new[] { "eval", TestModels.Path("mlp.onnx"), "--images", FashionMnist.TestImages, "--labels", FashionMnist.TestLabels }
            .Concat(extra).ToArray();

    [Fact]
    public void UnexpectedFailureIsOneInternalErrorLineWithoutStackTrace()
    {
        var result = CliRun.Invoke(new FailingDatasetOpener(), EvalArgs());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("infoprune: error IP9000: reader exploded (InvalidOperationException)", result.Error.TrimEnd());
    }

    [Fact]
    public void VerboseAddsTheStackTrace()
    {
        var result = CliRun.Invoke(new FailingDatasetOpener(), EvalArgs("--verbose"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("infoprune: error IP9000: reader exploded", result.Error);
        Assert.Contains("   at ", result.Error);
    }

    [Fact]
    public void HelpIsNotAnError()
    {
        var result = CliRun.Invoke("eval", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--runtime", result.Out);
        Assert.Contains("--threads", result.Out);
    }
}
