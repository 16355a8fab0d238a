using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Preparation;
using InfoPrune.Core.Tests.Support;
using InfoPrune.Core.Validation;
using TorchSharp;

namespace InfoPrune.Core.Tests.Preparation;

public class BatchNormReinsertionTests
{
    /// <summary>
    /// conv → relu → (conv + 1x1 shortcut conv, no bias) add → relu → conv → BN (kept) → relu → GAP →
    /// flatten → gemm (hidden) → relu → gemm (head): every kind of layer the insertion decides on.
    /// </summary>
    private static OnnxModel FoldedNet() => ResidualTestNet.Build(seed: 11, inputChannels: 3, size: 8, first: 6, residual: 5, normalized: 7, hidden: 9, classes: 4);

    private static IEnumerable<Batch> RandomBatches(int batches, int size, long[] sampleShape, int seed)
    {
        var random = new Random(seed);
        for (var b = 0; b < batches; b++)
        {
            var batch = new Batch(size, sampleShape.Select(d => (int)d).ToArray());
            for (var i = 0; i < batch.Images.Length; i++) batch.Images[i] = (float)(random.NextDouble() * 2 - 1);
            yield return batch;
        }
    }

    private static float[] Run(OnnxModel model, Batch batch, bool training = false)
    {
        using var executor = GraphExecutor.Create(model, torch.CPU);
        executor.Training = training;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return executor.Forward(torch.tensor(batch.Images, batch.Shape)).contiguous().data<float>().ToArray();
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();

    [Fact]
    public void ConvAndHiddenGemmLayersWithoutANormaliserGetOneButNotTheHead()
    {
        var layers = BatchNormReinsertion.Candidates(FoldedNet()).Select(n => n.Outputs[0]).ToArray();
        // c already reaches a BatchNormalization; y is the classifier head.
        Assert.Equal(new[] { "a", "b", "s", "h" }, layers);
    }

    [Fact]
    public void InsertedNormalisersLeaveTheNetworkUnchangedInEvalMode()
    {
        var model = FoldedNet();
        var prepared = BatchNormReinsertion.Insert(model, RandomBatches(4, 16, new long[] { 3, 8, 8 }, seed: 1));
        Assert.Equal(4, prepared.Inserted.Count);
        Assert.Equal(4, prepared.Model.Graph.Nodes.Count(n => n.OpType == "BatchNormalization") - 1);
        var probe = RandomBatches(1, 8, new long[] { 3, 8, 8 }, seed: 2).Single();
        Assert.True(MaxDifference(Run(model, probe), Run(prepared.Model, probe)) < 1e-5);
    }

    [Fact]
    public void EachNormalisedLayerTrainsWithRowsAtTheScaleOfAFreshInitialisationAndFoldsBackToTheOriginal()
    {
        // Folded weights carry γ/σ; the rows go back to PyTorch's initial norm 1/√3 while they
        // train behind a normaliser, and an untrained round trip gives the original weights back.
        var model = FoldedNet();
        var prepared = BatchNormReinsertion.Insert(model, RandomBatches(4, 16, new long[] { 3, 8, 8 }, seed: 1));
        foreach (var layerOutput in new[] { "a", "b", "s", "h" })
        {
            var original = model.Graph.Producer(layerOutput)!;
            var before = model.Graph.Initializers[original.Inputs[1]];
            var after = prepared.Model.Graph.Initializers[original.Inputs[1]];
            // Rows along axis 0: Conv's output axis, and the test net's Gemms use transB = 1.
            Assert.All(RowNorms(after), norm => Assert.Equal(1 / Math.Sqrt(3), norm, 4));
            Assert.True(MaxDifference(before.Floats.ToArray(), after.Floats.ToArray()) > 1e-3, $"{layerOutput}'s rows were already at the initial norm");
        }
        var roundTrip = BatchNormReinsertion.FoldBack(prepared.Model, prepared.Inserted);
        foreach (var (name, tensor) in model.Graph.Initializers)
        {
            var back = roundTrip.Graph.Initializers[name].Floats.ToArray();
            var scale = Math.Max(1, tensor.Floats.ToArray().Max(Math.Abs));
            Assert.True(MaxDifference(tensor.Floats.ToArray(), back) < 1e-5 * scale, $"{name} changed by the round trip");
        }
    }

    [Fact]
    public void InTrainModeTheNormalisersStartCloseToTheIdentityOnDataLikeTheCalibration()
    {
        // Batch statistics of a batch drawn like the calibration data are close to the running
        // ones, so training starts from the network as it was, not from a rescaled one.
        var model = FoldedNet();
        var prepared = BatchNormReinsertion.Insert(model, RandomBatches(8, 64, new long[] { 3, 8, 8 }, seed: 1));
        var probe = RandomBatches(1, 256, new long[] { 3, 8, 8 }, seed: 3).Single();
        var original = Run(model, probe);
        var scale = original.Max(Math.Abs);
        Assert.True(MaxDifference(original, Run(prepared.Model, probe, training: true)) < 0.1 * scale);
    }

    [Fact]
    public void FoldingBackRestoresTheOpStructureAndIsExactInOnnxRuntime()
    {
        var model = FoldedNet();
        var prepared = BatchNormReinsertion.Insert(model, RandomBatches(4, 16, new long[] { 3, 8, 8 }, seed: 1));
        // Train a little so the normalisers are no longer the identity.
        using (var executor = GraphExecutor.Create(prepared.Model, torch.CPU))
        {
            executor.Training = true;
            using var optimizer = torch.optim.SGD(executor.Parameters, 0.05);
            foreach (var batch in RandomBatches(5, 32, new long[] { 3, 8, 8 }, seed: 5))
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var y = executor.Forward(torch.tensor(batch.Images, batch.Shape));
                y.square().mean().backward();
                optimizer.step();
            }
            prepared = prepared with { Model = executor.ToModel() };
        }
        var folded = BatchNormReinsertion.FoldBack(prepared.Model, prepared.Inserted);

        Assert.Equal(model.Graph.Nodes.Select(n => n.OpType), folded.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(model.Graph.Nodes.Select(n => n.Outputs[0]), folded.Graph.Nodes.Select(n => n.Outputs[0]));
        Assert.DoesNotContain(folded.Graph.Initializers.Keys, name => name.Contains("infoprune_bn") && !name.EndsWith(".bias"));
        // The shortcut conv had no bias; the fold gives it one.
        Assert.Equal(3, folded.Graph.Nodes.Single(n => n.Outputs[0] == "s").Inputs.Count);

        var probe = RandomBatches(1, 8, new long[] { 3, 8, 8 }, seed: 9).Single();
        var trainedWithNormalisers = Run(prepared.Model, probe);
        using var ort = new OrtModelRunner(folded.ToBytes());
        var (fromOrt, _) = ort.Run(probe.Images, probe.Shape);
        Assert.True(MaxDifference(trainedWithNormalisers, fromOrt) < 1e-4, $"fold differs by {MaxDifference(trainedWithNormalisers, fromOrt):G3}");
        // And the training did change the network, so the check above is not trivially true.
        Assert.True(MaxDifference(Run(model, probe), fromOrt) > 1e-3);
    }

    [Fact]
    public void AfterPruningTheNormalisersKeepThePrunedNetworkInEvalModeAndRestoreTheOriginalChannelsInTrainMode()
    {
        // conv (6 channels) → relu → conv (4) → relu → head: prune the first conv to channels 1, 3, 4.
        var original = new TestModelBuilder(13, seed: 5).Input("x", "N", 3, 6, 6).Output("y", "N", 2, 6, 6)
            .Weight("w1", new long[] { 6, 3, 3, 3 }).Weight("b1", new long[] { 6 })
            .Weight("w2", new long[] { 4, 6, 1, 1 }).Weight("b2", new long[] { 4 })
            .Weight("w3", new long[] { 2, 4, 1, 1 })
            .Node("Conv", new[] { "x", "w1", "b1" }, new[] { "a" }, ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", new[] { "a" }, new[] { "a2" })
            .Node("Conv", new[] { "a2", "w2", "b2" }, new[] { "c" })
            .Node("Relu", new[] { "c" }, new[] { "c2" })
            .Node("Conv", new[] { "c2", "w3" }, new[] { "y" })
            .Build();
        var graph = InfoPrune.Core.Graph.DependencyGraph.Analyze(original);
        var group = graph.Groups.Single(g => g.Size == 6);
        var plan = new InfoPrune.Core.Pruning.PruningPlan(new[] { new InfoPrune.Core.Pruning.GroupDecision(group.Id, new[] { 1, 3, 4 }, "test") });
        var pruned = InfoPrune.Core.Pruning.Surgery.Apply(graph, plan);
        var calibration = RandomBatches(8, 64, new long[] { 3, 6, 6 }, seed: 1).ToList();

        var prepared = BatchNormReinsertion.Insert(pruned, calibration, original,
            layer => InfoPrune.Core.Pruning.Surgery.KeptPositions(graph, plan, layer.Inputs[1], 0));

        // Eval mode: the pruned network exactly as it was.
        var probe = RandomBatches(1, 8, new long[] { 3, 6, 6 }, seed: 2).Single();
        Assert.True(MaxDifference(Run(pruned, probe), Run(prepared.Model, probe)) < 1e-5);
        // The first layer kept its channels, so its normaliser holds the original's statistics of channels 1, 3, 4.
        var first = prepared.Inserted.Single(bn => bn.LayerOutput == "a");
        var full = BatchNormReinsertion.Insert(original, calibration);
        var fullMean = UnscaledStatistic(full, first, original, first.Mean);
        Assert.Equal(new[] { fullMean[1], fullMean[3], fullMean[4] }, UnscaledStatistic(prepared, first, pruned, first.Mean), Tolerance(1e-5));
        // The second layer lost inputs: its normaliser maps its channels back onto the spread the
        // unpruned layer had, so its statistics are the original's, not the pruned layer's.
        var second = prepared.Inserted.Single(bn => bn.LayerOutput == "c");
        var prunedOnly = BatchNormReinsertion.Insert(pruned, calibration);
        var secondOnPruned = prunedOnly.Inserted.Single(bn => bn.LayerOutput == "c");
        var prunedVariance = UnscaledStatistic(prunedOnly, secondOnPruned, pruned, secondOnPruned.Variance, squared: true);
        var originalVariance = UnscaledStatistic(full, second, original, second.Variance, squared: true);
        Assert.Equal(originalVariance, UnscaledStatistic(prepared, second, pruned, second.Variance, squared: true), Tolerance(1e-5));
        Assert.True(MaxDifference(prunedVariance, originalVariance) > 1e-3);
    }

    /// <summary>
    /// A running statistic of an inserted normaliser in the units of the layer's output before
    /// insertion: its rows were rescaled, and the mean scales with them (the variance squared).
    /// </summary>
    private static float[] UnscaledStatistic(BatchNormPreparation prepared, ReinsertedBatchNorm bn, OnnxModel before, string statistic, bool squared = false)
    {
        var layer = before.Graph.Producer(bn.LayerOutput)!;
        var rowsBefore = RowNorms(before.Graph.Initializers[layer.Inputs[1]]);
        var rowsAfter = RowNorms(prepared.Model.Graph.Initializers[layer.Inputs[1]]);
        var values = prepared.Model.Graph.Initializers[statistic].ToFloatArray();
        return values.Select((v, c) => (float)(v * Math.Pow(rowsBefore[c] / rowsAfter[c], squared ? 2 : 1))).ToArray();
    }

    private static double[] RowNorms(OnnxTensor weight)
    {
        var rows = (int)weight.Shape[0];
        var length = weight.Floats.Length / rows;
        return Enumerable.Range(0, rows).Select(r => Math.Sqrt(weight.Floats.Slice(r * length, length).ToArray().Sum(v => (double)v * v))).ToArray();
    }

    private static IEqualityComparer<float> Tolerance(double relative) =>
        EqualityComparer<float>.Create((x, y) => Math.Abs(x - y) <= relative * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))));

    [Fact]
    public void ALayerWhoseWeightIsSharedIsLeftAlone()
    {
        var model = new TestModelBuilder(13, seed: 3).Input("x", "N", 2, 4, 4).Output("y", "N", 2, 4, 4)
            .Weight("w", new long[] { 2, 2, 1, 1 }).Weight("b", new long[] { 2 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "a" })
            .Node("Relu", new[] { "a" }, new[] { "a2" })
            .Node("Conv", new[] { "a2", "w", "b" }, new[] { "c" })
            .Node("Relu", new[] { "c" }, new[] { "c2" })
            .Node("Conv", new[] { "c2", "w" }, new[] { "y" })
            .Build();
        Assert.Empty(BatchNormReinsertion.Candidates(model));
    }
}
