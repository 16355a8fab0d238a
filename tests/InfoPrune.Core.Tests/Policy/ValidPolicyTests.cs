using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Policy;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Policy;

public class ValidPolicyTests
{
    [Fact]
    public void NpzArrayNamesAreRead()
    {
        using var folder = new TempPolicyFolder();
        folder.WriteExampleDataFiles();
        var policyPath = folder.Write("prune.json", """
            {
              "version": 1,
              "data": {
                "validation": { "images": "data/t10k-images-idx3-ubyte.gz", "labels": "data/t10k-labels-idx1-ubyte.gz",
                                "imagesArray": "x", "labelsArray": "y" },
                "calibration": { "from": "validation" }
              },
              "method": { "name": "l1" },
              "target": { "ratio": 0.5 },
              "fineTune": { "epochs": 0 }
            }
            """);

        var policy = PolicyLoader.Load(policyPath);

        Assert.Equal("x", policy.Data.Validation.ImagesArray);
        Assert.Equal("y", policy.Data.Validation.LabelsArray);
    }

    [Fact]
    public void FullPolicyParsesToTheValuesWritten()
    {
        using var folder = new TempPolicyFolder();
        folder.WriteExampleDataFiles();
        var policyPath = folder.Write("prune.json", Full);

        var policy = PolicyLoader.Load(policyPath);

        Assert.Equal(Path.GetFullPath(policyPath), policy.SourcePath);
        Assert.Equal(1, policy.Version);
        Assert.Equal(DataFormat.Idx, policy.Data.Format);
        Assert.Equal(new DatasetFiles(
            Path.Combine(folder.Root, "data", "train-images-idx3-ubyte.gz"),
            Path.Combine(folder.Root, "data", "train-labels-idx1-ubyte.gz")), policy.Data.Train);
        Assert.Equal(new DatasetFiles(
            Path.Combine(folder.Root, "data", "t10k-images-idx3-ubyte.gz"),
            Path.Combine(folder.Root, "data", "t10k-labels-idx1-ubyte.gz")), policy.Data.Validation);
        Assert.Equal(CalibrationSource.Train, policy.Data.Calibration.From);
        Assert.Equal(2048, policy.Data.Calibration.Samples);
        Assert.Equal(0.00392156862745098, policy.Data.Preprocess.Scale);
        Assert.Equal([0.1307], policy.Data.Preprocess.Mean.ToArray());
        Assert.Equal([0.3081], policy.Data.Preprocess.Std.ToArray());

        Assert.Equal("hybrid", policy.Method.Name);
        var hybrid = Assert.IsType<HybridParameters>(policy.Method.Parameters);
        Assert.Equal(8, hybrid.Settings.Quantizer.Bins);
        Assert.Equal(Binning.EqualFrequency, hybrid.Settings.Quantizer.Binning);
        Assert.False(hybrid.Settings.Quantizer.IsOneBit);
        Assert.Equal(ChannelCollapse.Mean, hybrid.Settings.Collapse);
        Assert.Equal(Compensation.Auto, hybrid.Settings.Compensation);
        Assert.Equal(InformationMeasure.MutualInformation, hybrid.Shallow);
        Assert.Equal(InformationMeasure.KlSelectivity, hybrid.Deep);
        Assert.Equal([1.0, 2.0], hybrid.Split.ToArray());

        Assert.Equal(new TargetPolicy(TargetKind.Macs, 0.5), policy.Target);

        Assert.Equal(2, policy.Constraints.MinChannels);
        Assert.Equal(0.9, policy.Constraints.MaxRatio);
        Assert.Equal(4, policy.Constraints.RoundTo);
        Assert.Equal(["fc3", "/^stem\\./"], policy.Constraints.Exclude.Select(s => s.Text));

        Assert.Equal(2, policy.FineTune.Epochs);
        Assert.Equal(128, policy.FineTune.BatchSize);
        Assert.Equal(new OptimizerPolicy { Name = OptimizerKind.Sgd, Lr = 0.01, Momentum = 0.9, Nesterov = true, WeightDecay = 0.0005 },
            policy.FineTune.Optimizer);
        Assert.Equal(new SchedulePolicy { Name = ScheduleKind.Step, StepSize = 1, Gamma = 0.1 }, policy.FineTune.Schedule);
        Assert.Equal(new DistillPolicy { Weight = 0.5, Temperature = 4 }, policy.FineTune.Distill);

        Assert.Equal(0.88, policy.Gate.MinAccuracy);
        Assert.Equal(0.02, policy.Gate.MaxDrop);
        Assert.Equal(0.7, policy.Gate.MaxLatencyRatio);
        Assert.Equal(new LatencyPolicy { BatchSize = 32, Threads = 1 }, policy.Latency);
        Assert.Equal(42, policy.Seed);
    }

    [Fact]
    public void MinimalPolicyGetsTheDocumentedDefaults()
    {
        var policy = ParseValid(Minimal);

        Assert.Equal(DataFormat.Auto, policy.Data.Format);
        Assert.Equal(CalibrationSource.Train, policy.Data.Calibration.From);
        Assert.Equal(2048, policy.Data.Calibration.Samples);
        Assert.Null(policy.Data.Preprocess.Scale);
        Assert.Equal([0.0], policy.Data.Preprocess.Mean.ToArray());
        Assert.Equal([1.0], policy.Data.Preprocess.Std.ToArray());
        Assert.Same(NoParameters.Instance, policy.Method.Parameters);
        Assert.Equal(new TargetPolicy(TargetKind.Ratio, 0.5), policy.Target);
        Assert.Equal(1, policy.Constraints.MinChannels);
        Assert.Equal(0.9, policy.Constraints.MaxRatio);
        Assert.Empty(policy.Constraints.Exclude);
        Assert.Null(policy.Constraints.RoundTo);
        Assert.True(policy.Constraints.RoundsToMeasuredWidths);
        Assert.Null(policy.Constraints.MeasuredWidths);
        Assert.Equal(1, policy.FineTune.Epochs);
        Assert.Equal(64, policy.FineTune.BatchSize);
        Assert.Equal(new OptimizerPolicy { Name = OptimizerKind.Adam, Lr = 0.001 }, policy.FineTune.Optimizer);
        Assert.Equal(ScheduleKind.Constant, policy.FineTune.Schedule.Name);
        Assert.False(policy.FineTune.Distill.Enabled);
        Assert.Null(policy.Gate.MinAccuracy);
        Assert.Equal(0.01, policy.Gate.MaxDrop);
        Assert.Null(policy.Gate.MaxLatencyRatio);
        Assert.Equal(64, policy.Latency.BatchSize);
        Assert.Null(policy.Latency.Threads);
        Assert.Equal(0, policy.Seed);
        Assert.Equal(BatchNormMode.Auto, policy.FineTune.BatchNorm);
        Assert.Equal(1, policy.Steps);
    }

    [Fact]
    public void StepsAndBatchNormModeAreRead()
    {
        var policy = ParseValid(Minimal[..^1] + """, "steps": 4, "fineTune": {"batchNorm": "off"}}""");

        Assert.Equal(4, policy.Steps);
        Assert.Equal(BatchNormMode.Off, policy.FineTune.BatchNorm);
    }

    [Fact]
    public void PoliciesParsedFromTheSameTextAreEqualByValue()
    {
        var first = PolicyLoader.Parse(Full, PolicyPath, checkFiles: false);
        var second = PolicyLoader.Parse(Full, PolicyPath, checkFiles: false);
        var otherSplit = PolicyLoader.Parse(Full.Replace("[1, 2]", "[1, 3]"), PolicyPath, checkFiles: false);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, otherSplit);
    }

    [Fact]
    public void RelativeDataPathsResolveAgainstThePolicyFolderNotTheWorkingDirectory()
    {
        var policy = ParseValid(Minimal);

        var policyFolder = Path.GetDirectoryName(PolicyPath)!;
        Assert.Equal(Path.Combine(policyFolder, "a"), policy.Data.Train!.Images);
        Assert.Equal(Path.Combine(policyFolder, "d"), policy.Data.Validation.Labels);
        Assert.NotEqual(Directory.GetCurrentDirectory(), policyFolder);
    }

    [Fact]
    public void AbsoluteDataPathsAreKeptAsWritten()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "images.npy");
        var json = Minimal.Replace("\"images\": \"a\"", $"\"images\": \"{absolute.Replace("\\", "\\\\")}\"");

        Assert.Equal(absolute, ParseValid(json).Data.Train!.Images);
    }

    [Fact]
    public void TrainDataMayBeOmittedWhenNeitherFineTuningNorCalibrationNeedsIt()
    {
        const string json = """
            {"version": 1,
             "data": {"validation": {"images": "c", "labels": "d"}, "calibration": {"from": "validation"}},
             "method": {"name": "random"}, "target": {"params": 0.7}, "fineTune": {"epochs": 0}}
            """;

        var policy = ParseValid(json);

        Assert.Null(policy.Data.Train);
        Assert.Equal(CalibrationSource.Validation, policy.Data.Calibration.From);
        Assert.Equal(0, policy.FineTune.Epochs);
    }

    [Theory]
    [InlineData("\"auto\"", null)]
    [InlineData("1", 1)]
    [InlineData("16", 16)]
    [InlineData("8.0", 8)]
    public void RoundToIsAutoOrAMultiple(string roundTo, int? expected)
    {
        var json = Minimal[..^1] + $", \"constraints\": {{\"roundTo\": {roundTo}}}}}";

        var constraints = ParseValid(json).Constraints;

        Assert.Equal(expected, constraints.RoundTo);
        Assert.Equal(expected == null, constraints.RoundsToMeasuredWidths);
    }

    [Theory]
    [InlineData(null, LayerAllocation.Auto)]
    [InlineData("uniform", LayerAllocation.Uniform)]
    [InlineData("global", LayerAllocation.Global)]
    [InlineData("sensitivity", LayerAllocation.Sensitivity)]
    public void AllocationDefaultsToTheMethodsOwnAndNamesEveryWayOfSharingABudget(string? allocation, LayerAllocation expected)
    {
        var json = Minimal.Replace("\"ratio\": 0.5", "\"macs\": 0.5")[..^1]
                   + (allocation is null ? "}" : $", \"constraints\": {{\"allocation\": \"{allocation}\"}}}}");

        Assert.Equal(expected, ParseValid(json).Constraints.Allocation);
    }

    [Fact]
    public void LatencyTargetKeepsAFractionOfTheMeasuredTime()
    {
        var json = Minimal.Replace("\"target\": {\"ratio\": 0.5}", "\"target\": {\"latency\": 0.4}");

        Assert.Equal(new TargetPolicy(TargetKind.Latency, 0.4), ParseValid(json).Target);
    }

    [Fact]
    public void LatencyThreadsZeroMeansOnnxRuntimeDefault()
    {
        var json = Minimal[..^1] + ", \"latency\": {\"threads\": 0}}";

        var latency = ParseValid(json).Latency;

        Assert.Equal(0, latency.Threads);
        Assert.Equal(64, latency.BatchSize);
    }

    [Theory]
    [InlineData("sgd", 0.01, 0.9, 0.0)]
    [InlineData("adam", 0.001, 0.0, 0.0)]
    [InlineData("adamw", 0.001, 0.0, 0.01)]
    public void OptimizerDefaultsFollowTheChosenFamily(string name, double lr, double momentum, double weightDecay)
    {
        var json = Minimal[..^1] + $", \"fineTune\": {{\"optimizer\": {{\"name\": \"{name}\"}}}}}}";

        var optimizer = ParseValid(json).FineTune.Optimizer;

        Assert.Equal(lr, optimizer.Lr);
        Assert.Equal(momentum, optimizer.Momentum);
        Assert.Equal(weightDecay, optimizer.WeightDecay);
    }

    [Theory]
    [InlineData("\"cosine\"", ScheduleKind.Cosine)]
    [InlineData("{\"name\": \"cosine\"}", ScheduleKind.Cosine)]
    [InlineData("\"step\"", ScheduleKind.Step)]
    public void ScheduleIsANameOrAnObject(string schedule, ScheduleKind expected)
    {
        var json = Minimal[..^1] + $", \"fineTune\": {{\"schedule\": {schedule}}}}}";

        var parsed = ParseValid(json).FineTune.Schedule;

        Assert.Equal(expected, parsed.Name);
        Assert.Equal(SchedulePolicy.Default.StepSize, parsed.StepSize);
    }

    [Theory]
    [InlineData("l1", typeof(NoParameters))]
    [InlineData("l2", typeof(NoParameters))]
    [InlineData("random", typeof(NoParameters))]
    [InlineData("entropy", typeof(InformationMeasureParameters))]
    [InlineData("mutual-information", typeof(InformationMeasureParameters))]
    [InlineData("kl-selectivity", typeof(InformationMeasureParameters))]
    [InlineData("js-separation", typeof(InformationMeasureParameters))]
    [InlineData("labeled-mi", typeof(InformationMeasureParameters))]
    [InlineData("hybrid", typeof(HybridParameters))]
    [InlineData("cmi", typeof(InfoPrune.Core.Methods.Cmi.CmiParameters))]
    [InlineData("mipp", typeof(InfoPrune.Core.Methods.Mipp.MippParameters))]
    public void EveryRegisteredMethodParsesToItsParameterRecord(string name, Type parametersType)
    {
        var policy = ParseValid(WithMethod($"{{\"name\": \"{name}\"}}"));

        Assert.Equal(name, policy.Method.Name);
        Assert.IsType(parametersType, policy.Method.Parameters);
    }

    [Fact]
    public void CatalogNamesExactlyTheMethodsThisBuildRuns()
    {
        Assert.Equal(
            ["l1", "l2", "random", "entropy", "mutual-information", "kl-selectivity", "js-separation", "labeled-mi", "hybrid", "cmi", "mipp", "ib-gates"],
            MethodCatalog.Names);
    }

    [Fact]
    public void MippReadsEveryParameterAndAcceptsTheAutoTarget()
    {
        var json = WithMethod("""{"name": "mipp", "alpha": 0.97, "repeats": 5, "hidden": [64], "fitSteps": 50, "retrainSteps": 7, "orderingSteps": 9, "stopAfterKept": 0, "samples": 300, "batchSize": 32, "learningRate": 0.01, "collapse": "std"}""");
        json = json.Replace("\"target\": {\"ratio\": 0.5}", "\"target\": \"auto\"", StringComparison.Ordinal);

        var policy = ParseValid(json);

        var parameters = Assert.IsType<InfoPrune.Core.Methods.Mipp.MippParameters>(policy.Method.Parameters);
        Assert.Equal(TargetKind.Auto, policy.Target.Kind);
        Assert.Equal(0.97, parameters.Alpha);
        Assert.Equal(5, parameters.Repeats);
        Assert.Equal(new[] { 64 }, parameters.Hidden);
        Assert.Equal((50, 7, 9, 0, 300, 32), (parameters.FitSteps, parameters.RetrainSteps, parameters.OrderingSteps, parameters.StopAfterKept, parameters.Samples, parameters.BatchSize));
        Assert.Equal(0.01, parameters.LearningRate);
        Assert.Equal(InfoPrune.Core.Information.ChannelCollapseMode.StandardDeviation, parameters.Collapse);
    }

    [Theory]
    [InlineData("optimal-brain-damage")]
    public void AMethodNothingCanRunIsRefusedWhenThePolicyIsRead(string name)
    {
        var diagnostic = Assert.Single(Check(WithMethod($"{{\"name\": \"{name}\"}}")).Diagnostics);

        Assert.Equal("IP0410", diagnostic.Code.Id);
        Assert.Contains($"unknown method \"{name}\"", diagnostic.Message);
        Assert.True(diagnostic.Line > 0 && diagnostic.Column > 0);
        Assert.DoesNotContain($"\"method-{name}\"", PolicySchema.Text);
    }

    [Theory]
    [InlineData("entropy", InformationMeasure.Entropy)]
    [InlineData("labeled-mi", InformationMeasure.LabeledMi)]
    public void InformationMeasureKnowsWhichMeasureItIsAndDefaultsToOneBit(string name, InformationMeasure measure)
    {
        var parameters = (InformationMeasureParameters)ParseValid(WithMethod($"{{\"name\": \"{name}\"}}")).Method.Parameters;

        Assert.Equal(measure, parameters.Measure);
        Assert.True(parameters.Settings.Quantizer.IsOneBit);
        Assert.Null(parameters.Settings.Quantizer.Threshold);
        Assert.Equal(Compensation.Auto, parameters.Settings.Compensation);
        Assert.False(parameters.Settings.CrossLayer);
    }

    [Fact]
    public void InformationMeasureReadsEverySetting()
    {
        var json = WithMethod("""{"name": "kl-selectivity", "quantizer": {"bits": 1, "threshold": 0.5}, "collapse": "l2", "compensation": "mean", "crossLayer": true}""");

        var parameters = (InformationMeasureParameters)ParseValid(json).Method.Parameters;

        Assert.Equal(new MeasureSettings
        {
            Quantizer = new QuantizerPolicy { Threshold = 0.5 },
            Collapse = ChannelCollapse.L2,
            Compensation = Compensation.Mean,
            CrossLayer = true,
            Magnitude = MagnitudeBlend.None, // ranks within layers cannot cross them: crossLayer ranks information alone
        }, parameters.Settings);
    }

    [Fact]
    public void ExcludeTreatsSlashedEntriesAsPatternsAndOthersAsExactNames()
    {
        var json = Minimal[..^1] + """, "constraints": {"exclude": ["fc3", "/^layer4\\./"]}}""";

        var exclude = ParseValid(json).Constraints.Exclude;

        Assert.False(exclude[0].IsRegex);
        Assert.True(exclude[0].Matches("fc3"));
        Assert.False(exclude[0].Matches("fc30"));
        Assert.True(exclude[1].IsRegex);
        Assert.True(exclude[1].Matches("layer4.conv1"));
        Assert.False(exclude[1].Matches("layer40conv1"));
    }

    [Fact]
    public void IntegralFloatIsAcceptedWhereAnIntegerIsExpected()
    {
        Assert.Equal(7, ParseValid(Minimal[..^1] + """, "seed": 7.0}""").Seed);
    }

    [Fact]
    public void CrLfLineEndingsAndAByteOrderMarkDoNotShiftPositions()
    {
        var json = "\uFEFF" + Minimal.Replace("\r\n", "\n").Replace("\n", "\r\n")[..^1] + ",\r\n\"sed\": 1}";

        var diagnostic = Assert.Single(Check(json).Diagnostics);

        Assert.Equal((PolicyErrors.UnknownKey, 5, 1), (diagnostic.Code, diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void DataFilesThatExistPassTheFileCheck()
    {
        using var folder = new TempPolicyFolder();
        folder.WriteExampleDataFiles();
        var result = PolicyLoader.CheckFile(folder.Write("prune.json", Full), checkFiles: true);

        Assert.True(result.IsValid, Render(result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void MissingPolicyFileIsReportedAsFileNotFoundWithoutAPosition()
    {
        var missing = Path.Combine(Path.GetTempPath(), "infoprune-" + Guid.NewGuid().ToString("N"), "prune.json");

        var error = Assert.Throws<InfoPruneException>(() => PolicyLoader.Load(missing));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(GeneralErrors.FileNotFound, diagnostic.Code);
        Assert.Equal(missing, diagnostic.File);
        Assert.Contains("does not exist", diagnostic.Message);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }
}
