using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Tests.Measurement;

public class CollapsedChannelThresholdTests
{
    [Fact]
    public void ReluConvChannelsAreSplitAtTheirMedianNotAtZero()
    {
        // The mean of a ReLU map is positive for nearly every image: split at 0, every conv channel
        // of LeNet would be a constant (entropy 0) and its MI meaningless. Split at the median,
        // each channel carries about one bit, while the fully connected ReLU units keep 0.
        var model = OnnxModel.Load(TestModels.Path("lenet5.onnx"));
        var graph = DependencyGraph.Analyze(model);
        using var data = LabeledDataset.Open(FashionMnist.TestImages, FashionMnist.TestLabels, DatasetBatchSource.OptionsFor(model));
        using var executor = GraphExecutor.Create(model);
        var measurements = CalibrationPass.Run(executor, graph, new BatchStream(data, new BatchOptions(256) { Limit = 1024 }).Epoch());
        var entropy = measurements.Scores(NeuronMeasure.Entropy);
        foreach (var name in new[] { "/conv1/Conv", "/conv2/Conv" })
        {
            var group = graph.Groups.Single(g => g.Name == name);
            // A dead channel (always zero) stays a constant; every live one is split in two halves.
            Assert.True(entropy[group.Id].Count(h => h >= 0.95) >= group.Size - 1, $"{name}: {string.Join(", ", entropy[group.Id].Select(h => h.ToString("0.00")))}");
        }
        var fc1 = graph.Groups.Single(g => g.Name == "/fc1/Gemm");
        Assert.True(entropy[fc1.Id].Average() < 0.95, "fully connected ReLU units should be split at 0, not at their median");
    }
}
