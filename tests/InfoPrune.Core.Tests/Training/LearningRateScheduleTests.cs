using InfoPrune.Core.Execution;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Training;
using TorchSharp;

namespace InfoPrune.Core.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantScheduleKeepsTheInitialRate()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Constant, 0.1, epochs: 3, stepsPerEpoch: 5);
        Assert.All(Enumerable.Range(0, 16), step => Assert.Equal(0.1, schedule.RateAt(step)));
    }

    [Fact]
    public void StepScheduleDecaysOnlyAtEveryStepSizeEpochBoundary()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Step, 1.0, epochs: 5, stepsPerEpoch: 4, stepSize: 2, gamma: 0.5);
        var rates = Enumerable.Range(0, 20).Select(schedule.RateAt).ToArray();
        Assert.Equal(Enumerable.Repeat(1.0, 8).Concat(Enumerable.Repeat(0.5, 8)).Concat(Enumerable.Repeat(0.25, 4)), rates);
    }

    [Fact]
    public void CosineScheduleAnnealsPerStepFromTheInitialRateToZero()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.2, epochs: 2, stepsPerEpoch: 50);
        Assert.Equal(0.2, schedule.RateAt(0));
        Assert.Equal(0.1, schedule.RateAt(50), 12);
        Assert.Equal(0.0, schedule.RateAt(100), 12);
        Assert.True(schedule.RateAt(99) < 0.2 * 0.001, $"last step rate {schedule.RateAt(99)}");
        for (int step = 1; step <= 100; step++) Assert.True(schedule.RateAt(step) < schedule.RateAt(step - 1));
    }

    [Fact]
    public void TrainerAppliesTheStepScheduleAtTheEpochBoundary()
    {
        using var data = ToyProblem.Dataset(64);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var reports = new List<TrainingProgress>();
        var options = new FineTuneOptions
        {
            Optimizer = OptimizerKind.Sgd, LearningRate = 0.08, Momentum = 0.9,
            Schedule = ScheduleKind.Step, StepSize = 1, Gamma = 0.5, Epochs = 3, BatchSize = 16, ProgressInterval = 1,
        };

        var result = new Trainer(options).Train(executor, data, progress: new SynchronousProgress<TrainingProgress>(reports.Add));

        Assert.Equal(12, reports.Count);                                  // one report per step
        Assert.Equal(new[] { 0.08, 0.04, 0.02 }, reports.GroupBy(r => r.Epoch).Select(g => g.Select(r => r.LearningRate).Distinct().Single()));
        Assert.Equal(new[] { 0.08, 0.04, 0.02 }, result.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void TrainerEndsTheCosineScheduleNearZero()
    {
        using var data = ToyProblem.Dataset(320);
        using var executor = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var options = new FineTuneOptions { LearningRate = 0.01, Schedule = ScheduleKind.Cosine, Epochs = 2, BatchSize = 16 };

        var result = new Trainer(options).Train(executor, data);

        Assert.Equal(0.01 * 0.5 * (1 + Math.Cos(Math.PI * 19 / 40)), result.Epochs[0].LearningRate, 12);   // epoch 1 ends with step 19 of 40
        Assert.True(result.Epochs[1].LearningRate < 0.01 * 0.01, $"last rate {result.Epochs[1].LearningRate}");
    }
}
