using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Latency;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Reporting;
using InfoPrune.Core.Tests.Support;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Latency;

/// <summary>The latency step's checks, warnings and gate, on given timings (nothing here is timed).</summary>
public class LatencyStepTests
{
    private static PrunePolicy Policy(string extra) => PolicyLoader.Parse(Minimal[..^1] + extra + "}", PolicyPath, checkFiles: false);

    private static LatencyStep Step(PrunePolicy policy, bool enabled) =>
        new(policy, enabled, runThreads: 2, new TestModelBuilder().Input("x", "N", 3).Output("x", "N", 3).Build(), [], [3], "model.onnx",
            Directory.CreateTempSubdirectory("infoprune-cache").FullName);

    private static BatchLatency Batch(int size, double original, double pruned, params double[] ratios) =>
        new(size, LatencyStatistics.Of([original]), LatencyStatistics.Of([pruned]), LatencyStatistics.Of(ratios));

    [Theory]
    [InlineData("target.latency")]
    [InlineData("gate.maxLatencyRatio")]
    public void LatencySettingsWithoutTimingAreRefusedAtThePolicy(string setting)
    {
        var policy = setting == "target.latency"
            ? PolicyLoader.Parse(Minimal.Replace("\"target\": {\"ratio\": 0.5}", "\"target\": {\"latency\": 0.5}"), PolicyPath, checkFiles: false)
            : Policy(""", "gate": {"maxLatencyRatio": 0.8}""");

        var error = Assert.Throws<InfoPruneException>(() => Step(policy, enabled: false));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("IP0561", diagnostic.Code.Id);
        Assert.Equal(PolicyPath, diagnostic.File);
        Assert.Contains(setting, diagnostic.Message);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void WithoutTimingAutoRoundingKeepsTheConstraintsAsTheyAre()
    {
        var step = Step(Policy(""), enabled: false);

        var constraints = step.MeasureWidths(GroupProbeTests.TwoEqualBlocks(), ConstraintsPolicy.Default);

        Assert.Same(ConstraintsPolicy.Default, constraints);
    }

    [Fact]
    public void SettingsComeFromThePolicyOrTheRun()
    {
        Assert.Equal(new LatencySettings(64, 2), Step(Policy(""), enabled: true).Settings);
        Assert.Equal(new LatencySettings(16, 1), Step(Policy(""", "latency": {"batchSize": 16, "threads": 1}"""), enabled: true).Settings);
        Assert.Equal([1, 16], Step(Policy(""", "latency": {"batchSize": 16}"""), enabled: true).BatchSizes);
    }

    [Fact]
    public void SlowerAtOneBatchSizeGivesOneWarningNamingIt()
    {
        var batches = new[] { Batch(1, 0.02, 0.03, 1.4, 1.5, 1.45, 1.6, 1.3), Batch(64, 1.0, 0.6, 0.6, 0.62, 0.58, 0.61, 0.6) };

        var warning = Assert.Single(LatencyStep.SlowerWarnings(batches, 1, "model.onnx"));

        Assert.Equal("IP0560", warning.Code.Id);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("batch 1:", warning.Message);
        Assert.StartsWith("model.onnx: warning IP0560:", warning.ToCanonicalString());
    }

    [Fact]
    public void GateFailsWhenTheRatioAtTheApplicationsBatchIsAboveTheLimit()
    {
        var step = Step(Policy(""", "gate": {"maxLatencyRatio": 0.6}"""), enabled: true);
        LatencyReport Report(double ratio) => new(64, 1, "test", [Batch(1, 0.02, 0.03, 1.5), Batch(64, 1.0, ratio, ratio)], [], null, null);

        var failure = Assert.Single(step.GateFailures(Report(0.72)));

        Assert.Equal("IP1003", failure.Code.Id);
        Assert.Equal(ExitCodes.GateFailed, new InfoPruneException(failure).ExitCode);
        Assert.Contains("batch 64", failure.Message);
        Assert.Empty(step.GateFailures(Report(0.55)));
    }

    [Fact]
    public void NoLatencyGateMeansNoLatencyFailure()
    {
        var step = Step(Policy(""), enabled: true);
        var report = new LatencyReport(64, 1, "test", [Batch(64, 1.0, 3.0, 3.0)], [], null, null);

        Assert.Empty(step.GateFailures(report));
    }
}
