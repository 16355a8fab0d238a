using InfoPrune.Core.Policy;
using InfoPrune.Core.Training;

namespace InfoPrune.Core.Tests.Training;

public class FineTuneOptionsTests
{
    [Fact]
    public void FromPolicyCarriesEveryValueAndTheSeed()
    {
        var policy = new FineTunePolicy
        {
            Epochs = 3, BatchSize = 128,
            Optimizer = new OptimizerPolicy { Name = OptimizerKind.Sgd, Lr = 0.05, Momentum = 0.8, Nesterov = true, WeightDecay = 5e-4 },
            Schedule = new SchedulePolicy { Name = ScheduleKind.Step, StepSize = 2, Gamma = 0.3 },
            Distill = new DistillPolicy { Weight = 0.7, Temperature = 3 },
        };

        var options = FineTuneOptions.From(policy, seed: 42);

        Assert.Equal(new FineTuneOptions
        {
            Epochs = 3, BatchSize = 128, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.8, Nesterov = true,
            WeightDecay = 5e-4, Schedule = ScheduleKind.Step, StepSize = 2, Gamma = 0.3, DistillWeight = 0.7, DistillTemperature = 3, Seed = 42,
        }, options);
        Assert.True(options.Distills);
    }

    [Fact]
    public void DefaultPolicyGivesValidOptionsWithoutDistillation()
    {
        var options = FineTuneOptions.From(FineTunePolicy.Default, seed: 0);
        options.Validate();
        Assert.False(options.Distills);
        Assert.Equal(OptimizerKind.Adam, options.Optimizer);
    }

    [Theory]
    [InlineData("LearningRate")]
    [InlineData("BatchSize")]
    [InlineData("Gamma")]
    [InlineData("DistillWeight")]
    [InlineData("Nesterov")]
    public void OutOfRangeValuesAreRefused(string name)
    {
        var options = name switch
        {
            "LearningRate" => new FineTuneOptions { LearningRate = 0 },
            "BatchSize" => new FineTuneOptions { BatchSize = 0 },
            "Gamma" => new FineTuneOptions { Gamma = 1.5 },
            "DistillWeight" => new FineTuneOptions { DistillWeight = -0.1 },
            _ => new FineTuneOptions { Optimizer = OptimizerKind.Sgd, Nesterov = true, Momentum = 0 },
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(options));
        Assert.Equal(name, error.ParamName);
    }
}
