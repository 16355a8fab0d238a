using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace InfoPrune.Core.Tests.Training;

/// <summary>The PyTorch-trained LeNet-5 fine-tuned on real Fashion-MNIST data.</summary>
public class LeNetFineTuneTests(ITestOutputHelper output)
{
    private static readonly DatasetOptions FashionMnistOptions = new()
    {
        ClassCount = 10,
        Preprocessing = new Preprocessing { Scale = 1.0 / 255, SampleShape = [1, 28, 28] },
    };

    private static double Accuracy(GraphExecutor executor, LabeledDataset data, int samples)
    {
        var stream = new BatchStream(data, new BatchOptions(250) { Limit = samples });
        long correct = 0;
        executor.Training = false;
        using var noGrad = torch.no_grad();
        foreach (var batch in stream.Epoch())
        {
            using var scope = torch.NewDisposeScope();
            var predicted = executor.Forward(torch.tensor(batch.Images, batch.Shape)).argmax(1);
            correct += predicted.eq(torch.tensor(batch.Labels)).sum().item<long>();
        }
        return (double)correct / stream.SampleCount;
    }

    [Fact]
    public void TwentyStepsOnFashionMnistKeepTheTestAccuracy()
    {
        using var train = LabeledDataset.Open(FashionMnist.TrainImages, FashionMnist.TrainLabels, FashionMnistOptions);
        using var test = LabeledDataset.Open(FashionMnist.TestImages, FashionMnist.TestLabels, FashionMnistOptions);
        var model = OnnxModel.Load(TestModels.Path("lenet5.onnx"));
        using var executor = GraphExecutor.Create(model, torch.CPU);
        var before = Accuracy(executor, test, 1000);
        var options = new FineTuneOptions
        {
            // A converged model wants a gentle rate: 0.01 already drifts by a few tenths of a point.
            Optimizer = OptimizerKind.Sgd, LearningRate = 0.001, Momentum = 0.9,
            BatchSize = 128, SampleLimit = 2560, Seed = 7,
        };

        var result = new Trainer(options).Train(executor, train);

        var after = Accuracy(executor, test, 1000);
        output.WriteLine($"test accuracy {before:P2} -> {after:P2}; {result.Steps} steps in {result.Seconds:F3} s = " +
                         $"{result.StepsPerSecond:F1} steps/s, {result.ImagesPerSecond:F0} images/s; train loss {result.Epochs[0].MeanLoss:F4}");
        Assert.Equal(20, result.Steps);
        Assert.True(before > 0.85, $"the fixture LeNet-5 should start near its published 90% (got {before:P2})");
        // Three test images of slack: bit-level differences between thread counts may flip a borderline image.
        Assert.True(after >= before - 0.003, $"fine-tuning lost accuracy: {before:P2} -> {after:P2}");
        Assert.NotEqual(model.ToBytes(), executor.ToModel().ToBytes());
    }
}
