using InfoPrune.Core.Analysis;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Pruning;

/// <summary>The report's parameter counts (CostModel) and `inspect`'s (ParameterCounter) are one count.</summary>
public class CostModelTests
{
    /// <summary>Conv(4) → BatchNorm → Relu → Conv(2): BN's running mean and variance are statistics, not parameters.</summary>
    private static InfoPrune.Core.Onnx.OnnxModel ConvBnNet() => new TestModelBuilder(13, seed: 3).Input("x", "N", 1, 4, 4).Output("y", "N", 2, 4, 4)
        .Weight("c1w", new long[] { 4, 1, 3, 3 }).Weight("c1b", new long[] { 4 })
        .Weight("s", new long[] { 4 }, 0.5f, 1.5f).Weight("b", new long[] { 4 }).Weight("m", new long[] { 4 }).Weight("v", new long[] { 4 }, 0.5f, 1.5f)
        .Weight("c2w", new long[] { 2, 4, 1, 1 }).Weight("c2b", new long[] { 2 })
        .Node("Conv", new[] { "x", "c1w", "c1b" }, new[] { "a" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("BatchNormalization", new[] { "a", "s", "b", "m", "v" }, new[] { "n" })
        .Node("Relu", new[] { "n" }, new[] { "r" })
        .Node("Conv", new[] { "r", "c2w", "c2b" }, new[] { "y" })
        .Build();

    [Fact]
    public void OriginalParametersExcludeBatchNormRunningStatisticsLikeInspect()
    {
        var model = ConvBnNet();
        var cost = new CostModel(DependencyGraph.Analyze(model));

        // 36 + 4 conv, 4 + 4 BN scale/shift, 8 + 2 conv: 58 (the 8 running statistics are not counted).
        Assert.Equal(58, cost.OriginalParams);
        Assert.Equal(ParameterCounter.Count(model.Graph), cost.OriginalParams);
    }

    [Fact]
    public void HalvingTheBatchNormLayerHalvesItsCountedParametersOnly()
    {
        var graph = DependencyGraph.Analyze(ConvBnNet());
        var group = graph.PrunableGroups.Single();

        var (parameters, _) = new CostModel(graph).Cost(new Dictionary<int, int> { [group.Id] = 2 });

        // 18 + 2 conv, 2 + 2 BN, 4 + 2 conv.
        Assert.Equal(30, parameters);
    }
}
