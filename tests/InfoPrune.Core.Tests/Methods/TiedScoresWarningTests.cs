using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods.Information;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>
/// IP0700: a layer whose units all score the same is pruned by channel index, not by information
/// (entropy with a median split gives every unit exactly 1 bit); the user is told which layers.
/// </summary>
public class TiedScoresWarningTests
{
    private static readonly DependencyGraph Graph = DependencyGraph.Analyze(ToyNets.LabelAndNoise("Relu"));
    private static readonly int Hidden = Graph.PrunableGroups.Single().Id;

    [Fact]
    public void EveryUnitOfALayerAtOneBitIsReportedWithTheLayerName()
    {
        var scores = new Dictionary<int, double[]> { [Hidden] = new[] { 1.0, 1.0, 1.0, 1.0 } };

        var warning = Assert.Single(InformationWarnings.TiedScores(Graph, scores, "entropy"));

        Assert.Equal("IP0700", warning.Code.Id);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains($"'{Graph.PrunableGroups.Single().Name}' (1)", warning.Message);
        Assert.Contains("channel index", warning.Message);
    }

    [Theory]
    [InlineData(new[] { 1.0, 0.5, 1.0, 1.0 })]
    [InlineData(new[] { 0.0, 0.0, 0.0, 1e-6 })]
    public void ALayerWithAnyDifferenceInScoresIsNotReported(double[] layerScores) =>
        Assert.Empty(InformationWarnings.TiedScores(Graph, new Dictionary<int, double[]> { [Hidden] = layerScores }, "entropy"));
}
