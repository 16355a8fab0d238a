using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Tests.Methods;
using InfoPrune.Core.Tests.Support;
using TorchSharp;

namespace InfoPrune.Core.Tests.Measurement;

public class CalibrationPassTests
{
    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    public void MeansAndCountsEqualAHandComputation(string activation)
    {
        var model = ToyNets.LabelAndNoise(activation);
        var graph = DependencyGraph.Analyze(model);
        var data = ToyNets.LabelAndNoiseData(300);
        var measurements = data.Measure(model, graph, batchSize: 64);

        var sums = new double[4];
        var active = new long[4, 2];
        var threshold = activation == "Sigmoid" ? 0.5f : 0f;
        for (var i = 0; i < data.Count; i++)
        {
            var h = ToyNets.Hidden(activation, data.Images[2 * i], data.Images[2 * i + 1]);
            for (var j = 0; j < 4; j++)
            {
                sums[j] += h[j];
                if (h[j] > threshold) active[j, data.Labels[i]]++;
            }
        }
        var means = measurements.MeanActivations["h"];
        for (var j = 0; j < 4; j++) Assert.Equal(sums[j] / data.Count, means[j], 5);

        var hidden = Assert.Single(measurements.Groups.Values);
        Assert.Equal("h", hidden.Probe.Value);
        Assert.Equal(activation, hidden.Probe.Activation);
        Assert.Equal(300, measurements.SampleCount);
        Assert.Equal(2, measurements.ClassCount);
        for (var j = 0; j < 4; j++)
            for (var y = 0; y < 2; y++)
                Assert.Equal(active[j, y], hidden.Counts.Count(j, 1, y));
    }

    [Fact]
    public void FlattenedChannelsCollapseTheirBlockOfEntries()
    {
        // [N, 3·4] laid out as 3 channels of 2×2 behind a Flatten; the group owns channels 1..2 (offset 4, block 4).
        var values = Enumerable.Range(0, 2 * 12).Select(i => (float)Math.Sin(i)).ToArray();
        using var tensor = torch.tensor(values, new long[] { 2, 12 });
        var probe = new UnitProbe(0, "v", Width: 12, EntryOffset: 4, Block: 4, Activation: null);
        foreach (var mode in new[] { ChannelCollapseMode.Mean, ChannelCollapseMode.L1, ChannelCollapseMode.L2, ChannelCollapseMode.Max })
        {
            var collapsed = CalibrationPass.Collapse(tensor, probe, channels: 2, mode);
            for (var n = 0; n < 2; n++)
            {
                var expected = new float[2];
                InfoPrune.Core.Information.ChannelCollapse.Collapse(values.AsSpan(n * 12 + 4, 8), 2, mode, expected);
                Assert.Equal(expected[0], collapsed[n * 2], 5);
                Assert.Equal(expected[1], collapsed[n * 2 + 1], 5);
            }
        }
    }

    [Fact]
    public void ConvMapsCollapsePerChannelAndMeansAverageOverSpace()
    {
        // Conv 3→4 channels, ReLU, MaxPool, then a 1×1 Conv consumer: the probe reads the pooled value.
        var model = new TestModelBuilder(13, seed: 9).Input("x", "N", 1, 4, 4).Output("y", "N", 2, 2, 2)
            .Weight("c1", new long[] { 4, 1, 3, 3 }).Weight("c1b", new long[] { 4 })
            .Weight("c2", new long[] { 2, 4, 1, 1 })
            .Node("Conv", new[] { "x", "c1", "c1b" }, new[] { "a" }, ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", new[] { "a" }, new[] { "r" })
            .Node("MaxPool", new[] { "r" }, new[] { "p" }, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Conv", new[] { "p", "c2" }, new[] { "y" })
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var random = new Random(4);
        var images = Enumerable.Range(0, 10 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var data = new InMemoryData(images, Enumerable.Range(0, 10).Select(i => (long)(i % 2)).ToArray(), [1, 4, 4]);
        var measurements = data.Measure(model, graph, new MeasurementOptions { ClassCount = 2 }, batchSize: 4);

        var group = Assert.Single(measurements.Groups.Values);
        Assert.Equal(new UnitProbe(group.GroupId, "p", 4, 0, 1, "Relu"), group.Probe);
        using var executor = InfoPrune.Core.Execution.GraphExecutor.Create(model, torch.CPU);
        using var scope = torch.NewDisposeScope();
        var (_, captured) = executor.ForwardCapturing(new[] { torch.tensor(images, new long[] { 10, 1, 4, 4 }) }, new[] { "p" });
        var expected = captured["p"].mean(new long[] { 0, 2, 3 }).data<float>().ToArray();
        Assert.Equal(expected.Length, measurements.MeanActivations["p"].Length);
        for (var c = 0; c < 4; c++) Assert.Equal(expected[c], measurements.MeanActivations["p"][c], 5);
    }

    [Fact]
    public void ActivationIsFoundThroughPoolingAndFlatten()
    {
        var model = new TestModelBuilder().Input("x", "N", 1, 4, 4).Output("y", "N", 16)
            .Node("Sigmoid", new[] { "x" }, new[] { "s" })
            .Node("MaxPool", new[] { "s" }, new[] { "p" }, ("kernel_shape", new long[] { 1, 1 }))
            .Node("Flatten", new[] { "p" }, new[] { "y" })
            .Node("Pad", new[] { "s", "pads" }, new[] { "padded" })
            .Node("AveragePool", new[] { "padded" }, new[] { "avg" }, ("kernel_shape", new long[] { 2, 2 }))
            .Int64s("pads", new long[] { 8 }, new long[8])
            .Build();
        Assert.Equal("Sigmoid", ActivationTracer.ActivationOf(model.Graph, "y"));
        // PyTorch's AvgPool2d export: Sigmoid → Pad → AveragePool.
        Assert.Equal("Sigmoid", ActivationTracer.ActivationOf(model.Graph, "avg"));
        Assert.Null(ActivationTracer.ActivationOf(model.Graph, "x"));
    }

    [Fact]
    public void GeluAsPyTorchExportsItIsRecognised()
    {
        // nn.GELU at opset 13: x * (1 + erf(x / sqrt 2)) * 0.5, no Gelu op; its units split at 0 like ReLU's.
        var model = new TestModelBuilder().Input("x", "N", 4).Output("g", "N", 4)
            .Floats("sqrt2", Array.Empty<long>(), new[] { 1.4142135f }).Floats("one", Array.Empty<long>(), new[] { 1f })
            .Floats("half", Array.Empty<long>(), new[] { 0.5f })
            .Node("Div", new[] { "x", "sqrt2" }, new[] { "d" })
            .Node("Erf", new[] { "d" }, new[] { "e" })
            .Node("Add", new[] { "e", "one" }, new[] { "a" })
            .Node("Mul", new[] { "x", "a" }, new[] { "m" })
            .Node("Mul", new[] { "m", "half" }, new[] { "g" })
            .Build();
        Assert.Equal("Gelu", ActivationTracer.ActivationOf(model.Graph, "g"));
        Assert.Null(ActivationTracer.ActivationOf(model.Graph, "a"));
    }

    [Fact]
    public void BinQuantizersAreFittedOnTheFirstSamplesAndEverySampleIsCounted()
    {
        var model = ToyNets.LabelAndNoise("Relu");
        var graph = DependencyGraph.Analyze(model);
        var data = ToyNets.LabelAndNoiseData(200);
        var options = new MeasurementOptions { Quantizer = new QuantizerPolicy { Bins = 4, Binning = Binning.EqualWidth }, FitSamples = 50 };
        var group = Assert.Single(data.Measure(model, graph, options, batchSize: 32).Groups.Values);
        Assert.Equal(4, group.Counts.Levels);
        Assert.Equal(200, group.Counts.SampleCount);
        Assert.All(group.Quantizers, q => Assert.IsType<BinQuantizer>(q));
    }
}

public class CalibrationPassAccumulatorTests
{
    /// <summary>Keeps a copy of every row of one value, as a method's own accumulator would.</summary>
    private sealed class RowCollector(string value) : IBatchAccumulator
    {
        public List<float[]> Rows { get; } = new();
        public List<int> Labels { get; } = new();
        public IReadOnlyCollection<string> Values => [value];

        public void Add(IReadOnlyDictionary<string, torch.Tensor> captured, IReadOnlyList<int> labels)
        {
            var batch = captured[value];
            var width = (int)batch.shape[1];
            var flat = batch.contiguous().data<float>().ToArray();
            for (var i = 0; i < batch.shape[0]; i++) Rows.Add(flat[(i * width)..((i + 1) * width)]);
            Labels.AddRange(labels);
        }
    }

    [Fact]
    public void AMethodsOwnAccumulatorSeesEverySampleOnceBesideTheCounts()
    {
        var model = ToyNets.LabelAndNoise("Relu");
        var graph = DependencyGraph.Analyze(model);
        var data = ToyNets.LabelAndNoiseData(300);
        var collector = new RowCollector("h");
        using var executor = InfoPrune.Core.Execution.GraphExecutor.Create(model);

        var measurements = CalibrationPass.Run(executor, graph, data.Batches(64), MeasurementOptions.Default, [collector]);

        Assert.NotNull(measurements);
        Assert.Equal(300, measurements!.SampleCount);
        Assert.Equal(data.Labels.Select(l => (int)l), collector.Labels);
        for (var i = 0; i < data.Count; i += 37)
        {
            var h = ToyNets.Hidden("Relu", data.Images[2 * i], data.Images[2 * i + 1]);
            for (var j = 0; j < 4; j++) Assert.Equal(h[j], collector.Rows[i][j], 5);
        }
        // The counts ride the same pass: the collected rows give the same means.
        for (var j = 0; j < 4; j++) Assert.Equal(collector.Rows.Average(r => (double)r[j]), measurements.MeanActivations["h"][j], 5);
    }

    [Fact]
    public void WithoutCountsOnlyTheAccumulatorsRun()
    {
        var model = ToyNets.LabelAndNoise("Relu");
        var graph = DependencyGraph.Analyze(model);
        var data = ToyNets.LabelAndNoiseData(100);
        var collector = new RowCollector("h");
        using var executor = InfoPrune.Core.Execution.GraphExecutor.Create(model);

        Assert.Null(CalibrationPass.Run(executor, graph, data.Batches(32), options: null, [collector]));
        Assert.Equal(100, collector.Rows.Count);
    }
}
