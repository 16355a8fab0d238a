using System.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Training;
using TorchSharp;

namespace InfoPrune.Core.Tests.Training;

[Collection(GlobalGeneratorCollection.Name)]
public class DeterminismAndCancellationTests
{
    private static byte[] TrainedBytes(OnnxModel model, FineTuneOptions options, int samples = 256)
    {
        using var data = ToyProblem.Dataset(samples);
        using var executor = GraphExecutor.Create(model, torch.CPU);
        new Trainer(options).Train(executor, data);
        return executor.ToModel().ToBytes();
    }

    private static readonly FineTuneOptions Shuffled = new()
    {
        Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.01, Schedule = ScheduleKind.Cosine,
        Epochs = 3, BatchSize = 32, Seed = 42,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalTrainedModels()
    {
        var model = ToyProblem.Mlp();
        var first = TrainedBytes(model, Shuffled);
        var second = TrainedBytes(model, Shuffled);
        Assert.NotEqual(model.ToBytes(), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void DropoutMasksComeFromTheSeedNotFromEarlierUseOfTheGenerator()
    {
        var model = ToyProblem.Mlp(dropout: true);
        var first = TrainedBytes(model, Shuffled);
        torch.rand(100).Dispose();   // advances libtorch's global generator between the runs
        var second = TrainedBytes(model, Shuffled);
        Assert.Equal(first, second);
        Assert.NotEqual(first, TrainedBytes(ToyProblem.Mlp(dropout: false), Shuffled));
    }

    [Fact]
    public void DifferentSeedGivesDifferentTrainedModels()
    {
        var model = ToyProblem.Mlp();
        Assert.NotEqual(TrainedBytes(model, Shuffled), TrainedBytes(model, Shuffled with { Seed = 43 }));
    }

    [Fact]
    public void CancellingAfterAFewStepsEndsTrainingPromptly()
    {
        using var data = ToyProblem.Dataset(512);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        using var cancellation = new CancellationTokenSource();
        int reports = 0;
        var progress = new SynchronousProgress<TrainingProgress>(_ => { if (++reports == 3) cancellation.Cancel(); });
        // Far more work than the test may take, so finishing instead of stopping fails it.
        var options = new FineTuneOptions { Epochs = 10_000, BatchSize = 8, ProgressInterval = 1 };
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(options).Train(executor, data, progress: progress, cancellationToken: cancellation.Token));

        Assert.Equal(3, reports);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.False(executor.Training);
    }

    [Fact]
    public void AnAlreadyCancelledTokenTrainsNothing()
    {
        using var data = ToyProblem.Dataset(64);
        var model = ToyProblem.Mlp();
        using var executor = GraphExecutor.Create(model, torch.CPU);

        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(new FineTuneOptions()).Train(executor, data, cancellationToken: new CancellationToken(true)));

        Assert.Equal(model.ToBytes(), executor.ToModel().ToBytes());
    }
}
