using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>How <c>"magnitude"</c> lets the size of a unit's weights into the information methods' ranking.</summary>
public class MagnitudeBlendTests
{
    private static readonly ConstraintsPolicy Unbounded = ConstraintsPolicy.Default with { MaxRatio = 1 };

    private static (DependencyGraph Graph, MethodContext Context) Measured()
    {
        var model = ToyNets.InformationAgainstMagnitude();
        var graph = DependencyGraph.Analyze(model);
        return (graph, new MethodContext { Measurements = ToyNets.LabelAndNoiseData(400).Measure(model, graph, batchSize: 64) });
    }

    private static int[] Kept(MagnitudeBlend blend, double keep)
    {
        var (graph, context) = Measured();
        var method = new InformationMeasureMethod(InformationMeasure.MutualInformation, MeasureSettings.Default with { Magnitude = blend });
        return Assert.Single(method.Plan(graph, context, new TargetPolicy(TargetKind.Ratio, keep), Unbounded).Decisions.Values).Keep.ToArray();
    }

    [Fact]
    public void TheToyNetPullsInformationAndWeightSizeApart()
    {
        var (graph, context) = Measured();
        var information = Assert.Single(new InformationMeasureMethod(InformationMeasure.MutualInformation,
            MeasureSettings.Default with { Magnitude = MagnitudeBlend.None }).Score(graph, context)).Value;
        Assert.Equal(1.0, information[ToyNets.StrongCopy], 6);
        Assert.Equal(information[ToyNets.StrongCopy], information[ToyNets.WeakCopy]);
        Assert.True(information[ToyNets.LoudNoise] < 0.02, $"noise unit carries {information[ToyNets.LoudNoise]} bits");
        Assert.Equal(0.0, information[ToyNets.Silent], 9);

        var norms = MagnitudeWeighting.Norms(graph, graph.PrunableGroups.Single());
        Assert.Equal(new[] { 3.5, 0.7, 13.5, 1.2 }, norms.Select(n => Math.Round(n, 5)));
        Assert.Equal(norms, MagnitudeMethod.L1.Score(graph, context).Single().Value);
    }

    [Theory]
    // Information alone keeps both label copies, the weak one as readily as the strong one (a tie,
    // broken by index); the loud noise unit goes whatever its weights.
    [InlineData(MagnitudeBlend.None, 0.5, new[] { ToyNets.StrongCopy, ToyNets.WeakCopy })]
    [InlineData(MagnitudeBlend.None, 0.25, new[] { ToyNets.WeakCopy })]
    // Product: no information scores 0 whatever the weights, and of two equal carriers the strongly connected one stays.
    [InlineData(MagnitudeBlend.Product, 0.5, new[] { ToyNets.StrongCopy, ToyNets.WeakCopy })]
    [InlineData(MagnitudeBlend.Product, 0.25, new[] { ToyNets.StrongCopy })]
    // Mean rank: the noise unit's top weight rank outweighs the weak copy's top information rank.
    [InlineData(MagnitudeBlend.Rank, 0.5, new[] { ToyNets.StrongCopy, ToyNets.LoudNoise })]
    [InlineData(MagnitudeBlend.Rank, 0.25, new[] { ToyNets.StrongCopy })]
    // Bands: weight size first (four units, one per quartile), so the ranking is l1's.
    [InlineData(MagnitudeBlend.Band, 0.5, new[] { ToyNets.StrongCopy, ToyNets.LoudNoise })]
    [InlineData(MagnitudeBlend.Band, 0.25, new[] { ToyNets.LoudNoise })]
    public void EachBlendKeepsTheUnitsItsRuleRanksHighest(MagnitudeBlend blend, double keep, int[] expected) =>
        Assert.Equal(expected, Kept(blend, keep));

    [Fact]
    public void InformationOrdersUnitsWithinAWeightBand()
    {
        // Eight units, two per quartile of weight size; within each band the more informative one ranks higher.
        var information = new[] { 0.1, 0.9, 0.8, 0.2, 0.5, 0.4, 0.3, 0.6 };
        var norms = new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0 };
        var order = ChannelSelector.Ascending(MagnitudeWeighting.Combine(MagnitudeBlend.Band, information, norms));
        Assert.Equal(new[] { 0, 1, 3, 2, 5, 4, 6, 7 }, order);
    }

    [Fact]
    public void MeanRankTiesGoToTheMoreInformativeUnit()
    {
        // Ranks by information 3, 0, 1, 2 and by weight 1, 3, 2, 0: means 2, 1.5, 1.5, 1. Units 1 and 2
        // tie, and unit 1 is the less informative. (Information alone orders 1, 2, 3, 0; weight alone 3, 0, 2, 1.)
        var order = ChannelSelector.Ascending(MagnitudeWeighting.Combine(MagnitudeBlend.Rank, new[] { 0.9, 0.1, 0.5, 0.7 }, new[] { 1.0, 3.0, 2.0, 0.5 }));
        Assert.Equal(new[] { 3, 1, 2, 0 }, order);
    }

    [Fact]
    public void ProductStaysInBitsRelativeToTheLayersMeanWeight()
    {
        var scores = MagnitudeWeighting.Combine(MagnitudeBlend.Product, new[] { 0.5, 0.5, 0.0 }, new[] { 1.0, 3.0, 2.0 });
        Assert.Equal(new[] { 0.25, 0.75, 0.0 }, scores);
        // A layer whose weights are all zero keeps its information order.
        Assert.Equal(new[] { 0.3, 0.1 }, MagnitudeWeighting.Combine(MagnitudeBlend.Product, new[] { 0.3, 0.1 }, new[] { 0.0, 0.0 }));
    }

    [Fact]
    public void HybridBlendsMagnitudeIntoItsMeasures()
    {
        var (graph, context) = Measured();
        var target = new TargetPolicy(TargetKind.Ratio, 0.5);
        int[] Kept(MagnitudeBlend blend) => new HybridMethod(new HybridParameters { Settings = MeasureSettings.Default with { Magnitude = blend } })
            .Plan(graph, context, target, Unbounded).Decisions.Values.Single().Keep.ToArray();
        Assert.Equal(new[] { ToyNets.StrongCopy, ToyNets.WeakCopy }, Kept(MagnitudeBlend.None));
        Assert.Equal(new[] { ToyNets.StrongCopy, ToyNets.LoudNoise }, Kept(MagnitudeBlend.Rank));
    }

    [Theory]
    [InlineData(MagnitudeBlend.None, "mutual-information: lowest-scoring")]
    [InlineData(MagnitudeBlend.Rank, "mutual-information with weight magnitude (mean of the two ranks): lowest-scoring")]
    [InlineData(MagnitudeBlend.Product, "mutual-information × relative weight magnitude: lowest-scoring")]
    public void TheReasonNamesHowWeightMagnitudeEnteredTheRanking(MagnitudeBlend blend, string reasonStart)
    {
        var (graph, context) = Measured();
        var method = new InformationMeasureMethod(InformationMeasure.MutualInformation, MeasureSettings.Default with { Magnitude = blend });
        var decision = method.Plan(graph, context, new TargetPolicy(TargetKind.Macs, 0.6), Unbounded).Decisions.Values.Single();
        Assert.StartsWith(reasonStart, decision.Reason);
    }

    [Theory]
    [InlineData("mutual-information", null, MagnitudeBlend.Rank)] // Minimal fine-tunes (the default 1 epoch): auto is rank
    [InlineData("mutual-information", "none", MagnitudeBlend.None)]
    [InlineData("kl-selectivity", "rank", MagnitudeBlend.Rank)]
    [InlineData("entropy", "product", MagnitudeBlend.Product)]
    [InlineData("labeled-mi", "band", MagnitudeBlend.Band)]
    [InlineData("hybrid", "rank", MagnitudeBlend.Rank)]
    public void EveryInformationMethodReadsMagnitude(string method, string? value, MagnitudeBlend expected)
    {
        var json = WithMethod(value is null ? $"{{\"name\": \"{method}\"}}" : $"{{\"name\": \"{method}\", \"magnitude\": \"{value}\"}}");
        var settings = ParseValid(json).Method.Parameters switch
        {
            InformationMeasureParameters p => p.Settings,
            HybridParameters h => h.Settings,
            var other => throw new InvalidOperationException(other?.GetType().Name),
        };
        Assert.Equal(expected, settings.Magnitude);
    }

    [Fact]
    public void AWithinLayerBlendAcrossLayersIsRefusedInCode()
    {
        var settings = MeasureSettings.Default with { CrossLayer = true, Magnitude = MagnitudeBlend.Rank };
        Assert.Throws<ArgumentException>(() => new InformationMeasureMethod(InformationMeasure.MutualInformation, settings));
        Assert.Throws<ArgumentException>(() => new HybridMethod(new HybridParameters { Settings = settings with { Magnitude = MagnitudeBlend.Band } }));
    }

    [Fact]
    public void CrossLayerWithoutMagnitudeRanksInformationAlone()
    {
        var settings = ((InformationMeasureParameters)ParseValid(WithMethod(
            "{\"name\": \"mutual-information\", \"crossLayer\": true}")).Method.Parameters).Settings;
        Assert.Equal(MagnitudeBlend.None, settings.Magnitude);
    }

    [Fact]
    public void ProductMayRankAcrossLayers()
    {
        var settings = ((InformationMeasureParameters)ParseValid(WithMethod(
            "{\"name\": \"mutual-information\", \"magnitude\": \"product\", \"crossLayer\": true}")).Method.Parameters).Settings;
        Assert.Equal((MagnitudeBlend.Product, true), (settings.Magnitude, settings.CrossLayer));
    }

    private static string WithMethodAndEpochs(string methodObject, int epochs) =>
        WithMethod(methodObject)[..^1] + $", \"fineTune\": {{\"epochs\": {epochs}}}}}";

    private static MagnitudeBlend ParsedMagnitude(string methodObject, int epochs) =>
        ParseValid(WithMethodAndEpochs(methodObject, epochs)).Method.Parameters switch
        {
            InformationMeasureParameters p => p.Settings.Magnitude,
            HybridParameters h => h.Settings.Magnitude,
            var other => throw new InvalidOperationException(other?.GetType().Name),
        };

    [Theory]
    // The default and an explicit "auto" follow fine-tuning: rank when the policy fine-tunes, the paper's ranking when not.
    [InlineData("{\"name\": \"mutual-information\"}", 2, MagnitudeBlend.Rank)]
    [InlineData("{\"name\": \"mutual-information\"}", 0, MagnitudeBlend.None)]
    [InlineData("{\"name\": \"entropy\", \"magnitude\": \"auto\"}", 1, MagnitudeBlend.Rank)]
    [InlineData("{\"name\": \"kl-selectivity\", \"magnitude\": \"auto\"}", 0, MagnitudeBlend.None)]
    [InlineData("{\"name\": \"hybrid\"}", 2, MagnitudeBlend.Rank)]
    [InlineData("{\"name\": \"hybrid\"}", 0, MagnitudeBlend.None)]
    // Given values are honoured whatever the fine-tuning.
    [InlineData("{\"name\": \"mutual-information\", \"magnitude\": \"none\"}", 2, MagnitudeBlend.None)]
    [InlineData("{\"name\": \"js-separation\", \"magnitude\": \"rank\"}", 0, MagnitudeBlend.Rank)]
    [InlineData("{\"name\": \"labeled-mi\", \"magnitude\": \"band\"}", 2, MagnitudeBlend.Band)]
    [InlineData("{\"name\": \"hybrid\", \"magnitude\": \"product\"}", 0, MagnitudeBlend.Product)]
    // Ranking across layers has no within-layer rank: auto stays information alone even when fine-tuning.
    [InlineData("{\"name\": \"mutual-information\", \"crossLayer\": true}", 2, MagnitudeBlend.None)]
    [InlineData("{\"name\": \"hybrid\", \"crossLayer\": true, \"magnitude\": \"auto\"}", 2, MagnitudeBlend.None)]
    public void AutoMagnitudeIsSettledByFineTuning(string methodObject, int epochs, MagnitudeBlend expected) =>
        Assert.Equal(expected, ParsedMagnitude(methodObject, epochs));

    [Fact]
    public void CmiDoesNotTakeAuto()
    {
        var result = Check(WithMethod("{\"name\": \"cmi\", \"magnitude\": \"auto\"}"));
        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code.Id == "IP0407");
    }

    [Theory]
    [InlineData(2, "mutual-information with weight magnitude (mean of the two ranks): lowest-scoring", new[] { ToyNets.StrongCopy, ToyNets.LoudNoise })]
    [InlineData(0, "mutual-information: lowest-scoring", new[] { ToyNets.StrongCopy, ToyNets.WeakCopy })]
    public void TheMethodAPolicyBuildsRanksAndExplainsByTheSettledBlend(int epochs, string reasonStart, int[] kept)
    {
        var (graph, context) = Measured();
        var policy = ParseValid(WithMethodAndEpochs("{\"name\": \"mutual-information\"}", epochs));
        var method = MethodCatalog.Create(policy.Method);
        var decision = method.Plan(graph, context, new TargetPolicy(TargetKind.Ratio, 0.5), Unbounded).Decisions.Values.Single();
        Assert.Equal(kept, decision.Keep.ToArray());
        Assert.StartsWith(reasonStart, decision.Reason);
    }

    [Fact]
    public void AnUnsettledAutoIsRefusedInCode()
    {
        var auto = MeasureSettings.Default with { Magnitude = MagnitudeBlend.Auto };
        Assert.Throws<ArgumentException>(() => new InformationMeasureMethod(InformationMeasure.Entropy, auto));
        Assert.Throws<ArgumentException>(() => new HybridMethod(new HybridParameters { Settings = auto }));
        Assert.Equal(MagnitudeBlend.Rank, auto.ForFineTuning(fineTunes: true).Magnitude);
        Assert.Equal(MagnitudeBlend.None, auto.ForFineTuning(fineTunes: false).Magnitude);
        Assert.Equal(MagnitudeBlend.None, MeasureSettings.Default.Magnitude); // built in code, a method knows nothing of fine-tuning
    }
}
