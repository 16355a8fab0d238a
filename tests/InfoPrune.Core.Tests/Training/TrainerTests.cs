using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Training;
using TorchSharp;

namespace InfoPrune.Core.Tests.Training;

public class TrainerTests
{
    private static FineTuneOptions OptionsFor(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => new() { Optimizer = kind, LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4 },
        OptimizerKind.Adam => new() { Optimizer = kind, LearningRate = 0.01, WeightDecay = 1e-4 },
        _ => new() { Optimizer = kind, LearningRate = 0.01, WeightDecay = 0.01 },
    };

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void LossFallsAndAccuracyRisesWithEachOptimizer(OptimizerKind kind)
    {
        using var data = ToyProblem.Dataset(512);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var options = OptionsFor(kind) with { Epochs = 5, BatchSize = 32, Seed = 1 };

        var result = new Trainer(options).Train(executor, data);

        var first = result.Epochs[0];
        var last = result.Epochs[^1];
        Assert.True(last.MeanLoss < first.MeanLoss * 0.6, $"{kind}: loss went from {first.MeanLoss:F3} to {last.MeanLoss:F3}");
        Assert.True(last.Accuracy > first.Accuracy + 0.1 && last.Accuracy > 0.8,
            $"{kind}: accuracy went from {first.Accuracy:P1} to {last.Accuracy:P1}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASoftmaxOutputTrainsLikeTheLogitsBehindIt(bool distill)
    {
        // Same weights and data; one model ends in Softmax. Training must see the same loss (on the
        // log-probabilities), so the trained weights agree — cross-entropy on the probabilities
        // themselves would train a different, much flatter objective.
        using var data = ToyProblem.Dataset(256);
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.01, Seed = 4, DistillWeight = distill ? 0.5 : 0 };
        var results = new List<float[]>();
        foreach (var softmax in new[] { false, true })
        {
            var model = ToyProblem.Mlp(softmaxOutput: softmax);
            using var executor = GraphExecutor.Create(model, torch.CPU);
            using var teacher = distill ? GraphExecutor.Create(model, torch.CPU) : null;
            new Trainer(options).Train(executor, data, teacher);
            results.Add(executor.ToModel().Graph.Initializers["w1"].ToFloatArray());
        }
        var before = ToyProblem.Mlp().Graph.Initializers["w1"].ToFloatArray();
        Assert.True(results[0].Zip(before).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "training moved the weights");
        Assert.True(results[0].Zip(results[1]).Max(p => Math.Abs(p.First - p.Second)) < 1e-4, "logits and Softmax outputs train alike");
    }

    [Fact]
    public void ResultCountsStepsImagesAndEpochsAndDropsTheShortLastBatch()
    {
        using var data = ToyProblem.Dataset(100);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);

        var result = new Trainer(new FineTuneOptions { Epochs = 2, BatchSize = 32 }).Train(executor, data);

        Assert.Equal(new[] { 1, 2 }, result.Epochs.Select(e => e.Epoch));
        Assert.Equal(6, result.Steps);          // 3 full batches of 32 per epoch; the 4 left over are dropped
        Assert.Equal(192, result.Images);
        Assert.True(result.Seconds > 0 && result.ImagesPerSecond > 0);
    }

    [Fact]
    public void DataSmallerThanOneBatchStillTrainsOnEverySample()
    {
        using var data = ToyProblem.Dataset(20);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);

        var result = new Trainer(new FineTuneOptions { Epochs = 1, BatchSize = 64 }).Train(executor, data);

        Assert.Equal(1, result.Steps);
        Assert.Equal(20, result.Images);
    }

    [Fact]
    public void SampleLimitTrainsOnTheFirstSamplesOnly()
    {
        using var data = ToyProblem.Dataset(200);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);

        var result = new Trainer(new FineTuneOptions { BatchSize = 16, SampleLimit = 64 }).Train(executor, data);

        Assert.Equal(4, result.Steps);
        Assert.Equal(64, result.Images);
    }

    [Fact]
    public void WeightsChangeInPlaceAndTheExecutorModeIsRestored()
    {
        using var data = ToyProblem.Dataset(64);
        var model = ToyProblem.Mlp();
        using var executor = GraphExecutor.Create(model, torch.CPU);
        executor.Training = false;

        new Trainer(new FineTuneOptions { BatchSize = 16 }).Train(executor, data);

        Assert.False(executor.Training);
        var trained = executor.ToModel();
        Assert.NotEqual(model.Graph.Initializers["w1"].ToFloatArray(), trained.Graph.Initializers["w1"].ToFloatArray());
        Assert.NotEqual(model.Graph.Initializers["bn_m"].ToFloatArray(), trained.Graph.Initializers["bn_m"].ToFloatArray());
    }

    [Fact]
    public void ZeroEpochsLeavesTheWeightsAlone()
    {
        using var data = ToyProblem.Dataset(64);
        var model = ToyProblem.Mlp();
        using var executor = GraphExecutor.Create(model, torch.CPU);

        var result = new Trainer(new FineTuneOptions { Epochs = 0 }).Train(executor, data);

        Assert.Equal(0, result.Steps);
        Assert.Equal(model.ToBytes(), executor.ToModel().ToBytes());
    }

    [Fact]
    public void DivergingLossNamesTheEpochAndStepsAndSuggestsALowerRate()
    {
        using var data = ToyProblem.Dataset(256);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var options = new FineTuneOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, Epochs = 2, BatchSize = 16, ProgressInterval = 4 };

        var error = Assert.Throws<InfoPruneException>(() => new Trainer(options).Train(executor, data));

        Assert.Equal(TrainingErrors.LossNotFinite, error.Code);
        Assert.Contains("epoch 1, steps 1-4", error.Message);
        Assert.Contains("lower the learning rate", error.Message);
        Assert.Contains("try 1E+29", error.Message);
    }

    [Fact]
    public void LabelsBeyondTheModelsClassesAreReportedBeforeTheLoss()
    {
        var (x, y) = ToyProblem.Samples(32, 5);
        y[7] = 5;
        using var data = InfoPrune.Core.Data.LabeledDataset.Create(
            InfoPrune.Core.Data.SampleArray.FromValues(x, 32, ToyProblem.Features), InfoPrune.Core.Data.SampleArray.FromValues(y, 32));
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);

        var error = Assert.Throws<InfoPruneException>(() => new Trainer(new FineTuneOptions { BatchSize = 8 }).Train(executor, data));

        Assert.Equal(TrainingErrors.LabelBeyondOutputs, error.Code);
        Assert.Contains("label 5", error.Message);
        Assert.Contains("3 classes", error.Message);
    }

    [Fact]
    public void ProgressReportsEveryIntervalAndAtEachEpochEnd()
    {
        using var data = ToyProblem.Dataset(160);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var reports = new List<TrainingProgress>();

        var result = new Trainer(new FineTuneOptions { Epochs = 2, BatchSize = 16, ProgressInterval = 4 })
            .Train(executor, data, progress: new SynchronousProgress<TrainingProgress>(reports.Add));

        Assert.Equal(new[] { (1, 4), (1, 8), (1, 10), (2, 4), (2, 8), (2, 10) }, reports.Select(r => (r.Epoch, r.Step)));
        Assert.All(reports, r => Assert.Equal((2, 10, 20), (r.Epochs, r.StepsPerEpoch, r.TotalSteps)));
        Assert.Equal(20, reports[^1].CompletedSteps);
        Assert.Equal(result.Epochs[1].MeanLoss, reports[^1].RunningLoss);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.RunningLoss) && r.RunningLoss > 0));
    }
}

/// <summary>Calls back on the reporting thread (System.Progress posts to the thread pool, which would race the asserts).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

public class TrainerSegmentTests
{
    [Fact]
    public void SegmentsShareTheWholeRunsStepsWithoutOverlapOrGap()
    {
        // 512 samples in batches of 32: 16 steps per epoch, 32 in a 2-epoch run, split at a quarter
        // and a half as 8 / 8 / 16 (the last segment spans the second epoch).
        using var data = ToyProblem.Dataset(512);
        var whole = new FineTuneOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.01, Schedule = ScheduleKind.Cosine, Seed = 3 };
        var steps = new List<int>();
        var images = 0L;
        var lastRates = new List<double>();
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        foreach (var segment in new[] { (0.0, 0.25), (0.25, 0.5), (0.5, 1.0) })
        {
            var result = new Trainer(whole with { Segment = segment }).Train(executor, data);
            steps.Add(result.Steps);
            images += result.Images;
            lastRates.Add(result.Epochs[^1].LearningRate);
        }
        Assert.Equal(new[] { 8, 8, 16 }, steps);
        Assert.Equal(2 * 512, images);
        // One schedule across the segments: the rate keeps falling and reaches the end of the cosine.
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.01, 2, 16);
        Assert.Equal(schedule.RateAt(7), lastRates[0], 12);
        Assert.Equal(schedule.RateAt(15), lastRates[1], 12);
        Assert.Equal(schedule.RateAt(31), lastRates[2], 12);
    }

    [Fact]
    public void ASegmentOutOfRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new FineTuneOptions { Segment = (0.5, 0.5) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new FineTuneOptions { Segment = (0, 1.5) }));
    }
}
