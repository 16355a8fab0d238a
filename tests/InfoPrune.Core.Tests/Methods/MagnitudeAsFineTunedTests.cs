using InfoPrune.Core.Data;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Preparation;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>Weight magnitudes read from the model as fine-tuning trains it (<see cref="MethodContext.AsFineTuned"/>).</summary>
public class MagnitudeAsFineTunedTests
{
    private static IEnumerable<Batch> RandomBatches(int batches, int size, int seed)
    {
        var random = new Random(seed);
        for (var b = 0; b < batches; b++)
        {
            var batch = new Batch(size, new[] { 3, 8, 8 });
            for (var i = 0; i < batch.Images.Length; i++) batch.Images[i] = (float)(random.NextDouble() * 2 - 1);
            yield return batch;
        }
    }

    [Fact]
    public void L1ReadsEachGroupFromTheModelAsFineTunedWhenThereIsOne()
    {
        // Folded: no layer but one has a BatchNorm, so fine-tuning re-inserts three (and the hidden Gemm's).
        var model = ResidualTestNet.Build(seed: 11, inputChannels: 3, size: 8, first: 6, residual: 5, normalized: 7, hidden: 9, classes: 4);
        var graph = DependencyGraph.Analyze(model);
        var view = DependencyGraph.Analyze(BatchNormReinsertion.Insert(model, RandomBatches(4, 16, seed: 1)).Model);
        var built = 0;
        var context = new MethodContext { BuildAsFineTuned = () => { built++; return view; } };

        var asFineTuned = MagnitudeMethod.L1.Score(graph, context);
        var asFiled = MagnitudeMethod.L1.Score(graph, new MethodContext());

        Assert.Equal(1, built);
        var changed = 0;
        foreach (var group in graph.PrunableGroups)
        {
            var same = view.Groups.Single(g => g.Name == group.Name);
            Assert.Equal(MagnitudeWeighting.Norms(view, same, new MethodContext()), asFineTuned[group.Id]);
            if (MaxRelativeDifference(asFineTuned[group.Id], asFiled[group.Id]) > 1e-3) changed++;
        }
        // Every group here has a producer or a reader that now trains behind a normaliser, with its rows rescaled.
        Assert.Equal(graph.PrunableGroups.Count(), changed);
        // Without a model as fine-tuned (no fine-tuning, or batchNorm "off"), l1 reads the file's weights.
        foreach (var group in graph.PrunableGroups)
            Assert.Equal(MagnitudeWeighting.Norms(graph, group, new MethodContext()), asFiled[group.Id]);
    }

    private static double MaxRelativeDifference(double[] a, double[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1e-12, Math.Max(Math.Abs(x), Math.Abs(y)))).Max();
}
