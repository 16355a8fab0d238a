using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Cmi;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using TorchSharp;

namespace InfoPrune.Core.Tests.Methods;

public class CmiMethodTests
{
    // ---- the estimator's known answers -------------------------------------------------------

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    public void UniformSpectrumOfKEqualBlocksHasEntropyLog2KForEveryAlpha(double alpha)
    {
        // Samples in 4 groups of 3 identical points, groups far apart: K is block diagonal with
        // 4 all-ones blocks, A = K / 12 has 4 eigenvalues ¼ and the rest 0.
        var labels = Enumerable.Range(0, 12).Select(i => i / 3).ToArray();
        var k = GramMatrix.ClassDelta(labels);
        Assert.Equal(2.0, RenyiEntropy.Of(k, alpha), 1e-9);
    }

    [Fact]
    public void ACopySharesAllItsEntropyAndAnIndependentVariableShares0()
    {
        // Discrete variables (delta Grams), exactly independent in the sample: every (x, z) pair
        // appears equally often. Rényi entropy is additive over independent variables, so I = 0.
        var x = Enumerable.Range(0, 24).Select(i => i % 3).ToArray();
        var z = Enumerable.Range(0, 24).Select(i => (i / 3) % 2).ToArray();
        var gx = GramMatrix.ClassDelta(x);
        var copy = GramMatrix.ClassDelta(x.ToArray());
        var gz = GramMatrix.ClassDelta(z);

        Assert.Equal(Math.Log2(3), MatrixMutualInformation.Mutual(gx, copy), 1e-9);
        Assert.Equal(0.0, MatrixMutualInformation.Mutual(gx, gz), 1e-9);
    }

    [Fact]
    public void AContinuousCopySharesFarMoreThanAnIndependentVariable()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 120).Select(_ => (float)random.NextDouble()).ToArray();
        var independent = Enumerable.Range(0, 120).Select(_ => (float)random.NextDouble()).ToArray();
        var x = GramMatrix.Rbf(values, 120);
        var copyMi = MatrixMutualInformation.Mutual(x, GramMatrix.Rbf(values.ToArray(), 120));
        var independentMi = MatrixMutualInformation.Mutual(x, GramMatrix.Rbf(independent, 120));
        Assert.True(copyMi > 10 * independentMi, $"copy {copyMi} bits, independent {independentMi} bits");
    }

    /// <summary>
    /// 4 balanced classes; channel 0 is the label's low bit, 1 its high bit, 2 a duplicate of
    /// channel 0, 3 a bit independent of everything. Width 0.01 on 0/1 values makes each Gram the
    /// delta kernel to 1e-2000, so the CMI values are exact: 1 bit for each label bit, 0 for the rest.
    /// </summary>
    private static (double[][] Grams, int[] Labels) LabelBits()
    {
        const int n = 32;
        var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        var noise = Enumerable.Range(0, n).Select(i => (i / 4) % 2).ToArray();
        float[] Channel(Func<int, int> bit) => Enumerable.Range(0, n).Select(i => (float)bit(i)).ToArray();
        var channels = new[] { Channel(i => labels[i] & 1), Channel(i => labels[i] >> 1), Channel(i => labels[i] & 1), Channel(i => noise[i]) };
        var grams = channels.Select(c => GramMatrix.Rbf(c, n, sigma: 0.01).Values.ToArray()).ToArray();
        return (grams, labels);
    }

    [Fact]
    public void AChannelDuplicatingAChosenOneAddsNoConditionalInformation()
    {
        var (grams, labels) = LabelBits();

        var ordering = CmiOrdering.Compute(grams, labels.Length, labels, condition: null, alpha: 2);

        Assert.Equal(new[] { 0, 1 }, ordering.Order.Take(2));
        Assert.Equal(1.0, ordering.Increments[0], 9);
        Assert.Equal(1.0, ordering.Increments[1], 9);
        // Once channel 0 is chosen its duplicate (2) adds nothing, and neither does the noise bit (3).
        Assert.Equal(0.0, ordering.Increments[2], 9);
        Assert.Equal(0.0, ordering.Increments[3], 9);
        Assert.Equal(2.0, ordering.Cumulative()[^1], 9); // I(S;Y) = H(Y) = 2 bits
    }

    [Fact]
    public void ConditioningOnALayerThatHoldsTheLowBitLeavesOnlyTheHighBit()
    {
        var (grams, labels) = LabelBits();

        var ordering = CmiOrdering.Compute(grams, labels.Length, labels, condition: grams[0], alpha: 2);

        Assert.Equal(1, ordering.Order[0]);
        Assert.Equal(1.0, ordering.Increments[0], 9);
        Assert.All(ordering.Increments.Skip(1), increment => Assert.Equal(0.0, increment, 9));
    }

    [Fact]
    public void FastAlphaTwoIncrementsEqualTheConditionalMutualInformationOfTheGramMatrices()
    {
        const int n = 40;
        var random = new Random(9);
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(3)).ToArray();
        var maps = Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, n).Select(i => (float)(labels[i] * (c + 1) * 0.3 + random.NextDouble())).ToArray()).ToArray();
        var grams = maps.Select(m => GramMatrix.Rbf(m, n, sigma: 0.7)).ToArray();
        var z = GramMatrix.Rbf(Enumerable.Range(0, n).Select(i => (float)(labels[i] + random.NextDouble())).ToArray(), n, sigma: 1.0);

        var ordering = CmiOrdering.Compute(grams.Select(g => g.Values.ToArray()).ToArray(), n, labels, z.Values.ToArray(), alpha: 2);

        var y = GramMatrix.ClassDelta(labels);
        var first = grams[ordering.Order[0]];
        Assert.Equal(MatrixMutualInformation.Conditional(first, y, z), ordering.Increments[0], 9);
        Assert.Equal(MatrixMutualInformation.Conditional(grams[ordering.Order[1]], y, GramMatrix.Joint(first, z)), ordering.Increments[1], 9);
        // The first pick is the best single channel.
        Assert.All(grams, g => Assert.True(MatrixMutualInformation.Conditional(g, y, z) <= ordering.Increments[0] + 1e-9));
        // The general path (eigenvalues) agrees with the Frobenius shortcut next to α = 2.
        var general = CmiOrdering.Compute(grams.Select(g => g.Values.ToArray()).ToArray(), n, labels, z.Values.ToArray(), alpha: 2.0001);
        Assert.Equal(ordering.Order, general.Order);
        Assert.Equal(ordering.Increments[0], general.Increments[0], 3);
    }

    // ---- cutoffs --------------------------------------------------------------------------------

    [Fact]
    public void ScreeFindsTheKneeOfACurveThatStopsRisingAtFiveChannels()
    {
        var increments = Enumerable.Range(0, 20).Select(k => k < 5 ? 1.0 : 0.05).ToArray();
        var curve = new CmiOrdering(Enumerable.Range(0, 20).ToArray(), increments).Cumulative();

        Assert.Equal(5, CmiCutoffs.Scree(curve));
    }

    [Fact]
    public void ScreeKeepsEveryChannelOfAStraightOrEmptyCurve()
    {
        Assert.Equal(10, CmiCutoffs.Scree(Enumerable.Range(0, 11).Select(k => 0.3 * k).ToArray()));
        Assert.Equal(6, CmiCutoffs.Scree(new double[7]));
    }

    [Fact]
    public void XMeansSeparatesTwoClearClustersAndCutsTheLowOne()
    {
        var random = new Random(1);
        var high = Enumerable.Range(0, 6).Select(_ => 1.0 + 0.02 * random.NextDouble()).ToArray();
        var low = Enumerable.Range(0, 10).Select(_ => 0.01 + 0.01 * random.NextDouble()).ToArray();
        var values = high.Concat(low).ToArray();

        var clusters = XMeansClustering.Cluster(values);

        Assert.Equal(2, clusters.Count);
        Assert.Equal(Enumerable.Range(6, 10), clusters[0].Members.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 6), clusters[1].Members.OrderBy(i => i));
        Assert.Equal(6, CmiCutoffs.XMeans(values));
    }

    [Fact]
    public void XMeansFindsOneClusterInOneGaussianGroupAndKeepsAll()
    {
        // Values from one normal distribution (X-means' model): no split pays for its parameters.
        var random = new Random(2);
        var values = Enumerable.Range(0, 40).Select(_ => 0.5 + 0.01 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
        Assert.Single(XMeansClustering.Cluster(values));
        Assert.Equal(40, CmiCutoffs.XMeans(values));
    }

    // ---- the walk over layers -------------------------------------------------------------------

    /// <summary>
    /// Three layers over 48 samples of 4 classes, each channel one entry: layer A holds the label
    /// bits and 4 noise channels (prunes most on its own), B two label copies and one noise channel, C all label-driven.
    /// </summary>
    private static (IReadOnlyList<CmiLayerInput> Layers, int[] Labels) ThreeLayers()
    {
        const int n = 48;
        var random = new Random(4);
        var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        float Noise() => (float)random.NextDouble();
        CmiLayerInput Layer(int id, string name, params Func<int, float>[] channels)
        {
            var maps = new float[n * channels.Length];
            for (var i = 0; i < n; i++)
                for (var c = 0; c < channels.Length; c++) maps[i * channels.Length + c] = channels[c](i);
            return new CmiLayerInput(id, name, channels.Length, 1, maps);
        }
        return ([
            Layer(0, "a", i => labels[i], _ => Noise(), _ => Noise(), _ => Noise(), _ => Noise(), _ => Noise()),
            Layer(1, "b", i => labels[i] + 0.1f * Noise(), i => labels[i] * 0.5f + 0.1f * Noise(), _ => Noise()),
            Layer(2, "c", i => labels[i] & 1, i => labels[i] >> 1, i => labels[i] + 0.2f * Noise()),
        ], labels);
    }

    [Fact]
    public void ForwardVisitsInNetworkOrderAndCompactConditionsOnThePreviousLayer()
    {
        var (layers, labels) = ThreeLayers();
        var walk = new CmiLayerWalk(new CmiParameters { Order = CmiLayerOrder.Forward }, labels);

        var visited = walk.Walk(layers);

        Assert.Equal(new[] { "a", "b", "c" }, visited.Select(l => l.Name));
        Assert.Equal(new[] { 1, 2, 3 }, visited.Select(l => l.Visit));
        Assert.Empty(visited[0].ConditionedOn);
        Assert.Equal(new[] { "a" }, visited[1].ConditionedOn);
        Assert.Equal(new[] { "b" }, visited[2].ConditionedOn);
        Assert.Equal(0, visited[0].Ordering.Order[0]); // the label channel first
        Assert.Equal("a", walk.Start);
    }

    [Fact]
    public void BidirectionalStartsAtTheLayerThatPrunesMostAndWalksOutwardBothWays()
    {
        var (layers, labels) = ThreeLayers();
        var alone = layers.Select(l => new CmiLayerWalk(new CmiParameters { Order = CmiLayerOrder.Forward }, labels).Walk([l])[0]).ToArray();
        var expectedStart = alone.OrderByDescending(l => 1 - (double)l.Cutoff / l.Ordering.Order.Length).First().Name;

        var walk = new CmiLayerWalk(new CmiParameters { Order = CmiLayerOrder.Bidirectional }, labels);
        var visited = walk.Walk(layers);

        Assert.Equal(expectedStart, walk.Start);
        Assert.Equal(expectedStart, visited[0].Name);
        Assert.Empty(visited[0].ConditionedOn);
        Assert.Equal(3, visited.Select(l => l.Name).Distinct().Count());
        // Every other layer is conditioned on its neighbour towards the start.
        var index = layers.Select((l, i) => (l.Name, i)).ToDictionary(x => x.Name, x => x.i);
        foreach (var layer in visited.Skip(1))
        {
            var neighbour = Assert.Single(layer.ConditionedOn);
            Assert.Equal(1, Math.Abs(index[neighbour] - index[layer.Name]));
            Assert.True(Math.Abs(index[neighbour] - index[expectedStart]) < Math.Abs(index[layer.Name] - index[expectedStart]));
        }
    }

    [Fact]
    public void FullConditioningGrowsAlongThePath()
    {
        var (layers, labels) = ThreeLayers();
        var visited = new CmiLayerWalk(new CmiParameters { Order = CmiLayerOrder.Forward, Conditioning = CmiConditioning.Full }, labels).Walk(layers);

        Assert.Equal(new[] { "a" }, visited[1].ConditionedOn);
        Assert.Equal(new[] { "a", "b" }, visited[2].ConditionedOn);
    }

    // ---- the method in the loop -----------------------------------------------------------------

    private static (DependencyGraph Graph, CmiMethod Method, MethodContext Context) Measured(CmiParameters parameters, int samples = 300)
    {
        var model = ToyNets.TwoHiddenLayers();
        var graph = DependencyGraph.Analyze(model);
        var method = new CmiMethod(parameters);
        var accumulators = method.Accumulators(graph);
        using var executor = GraphExecutor.Create(model, torch.CPU);
        CalibrationPass.Stream(executor, ToyNets.ThreeClassData(samples).Batches(64), accumulators);
        return (graph, method, new MethodContext { Accumulators = accumulators });
    }

    [Fact]
    public void AutoTargetKeepsWhatEachLayersCutoffKeepsAndReportsTheCurves()
    {
        var (graph, method, context) = Measured(new CmiParameters { Samples = 128 });

        var plan = method.Plan(graph, context, TargetPolicy.Auto, ConstraintsPolicy.Default with { RoundTo = 1 });

        var details = Assert.IsType<CmiReport>(((IPruningMethod)method).Details);
        Assert.Equal(128, details.Samples);
        Assert.Equal(2, details.Layers.Count);
        Assert.Equal(details.VisitingOrder, details.Layers.Select(l => l.Name));
        foreach (var layer in details.Layers)
        {
            var decision = plan.Decisions[layer.GroupId];
            Assert.Equal(Math.Max(layer.Cutoff, 1), decision.Kept);
            Assert.Equal(layer.Order.Take(decision.Kept).OrderBy(i => i), decision.Keep);
            Assert.Equal(layer.Channels + 1, layer.Cumulative.Count);
            Assert.Equal(0.0, layer.Cumulative[0]);
            Assert.Contains("cmi:", decision.Reason);
        }
        plan.Validate(graph);
    }

    [Fact]
    public void MagnitudeDecidesWhichChannelsFillTheCountTheCutoffsSet()
    {
        var target = new TargetPolicy(TargetKind.Ratio, 0.5);
        var constraints = ConstraintsPolicy.Default with { RoundTo = 1 };
        var (graph, plain, context) = Measured(new CmiParameters { Samples = 96 });
        var paper = plain.Plan(graph, context, target, constraints);
        var details = Assert.IsType<CmiReport>(((IPruningMethod)plain).Details);
        var l1 = MagnitudeMethod.L1.Score(graph, context);

        var banded = new CmiMethod(new CmiParameters { Samples = 96, Magnitude = MagnitudeBlend.Band }).Plan(graph, context, target, constraints);
        var ranked = new CmiMethod(new CmiParameters { Samples = 96, Magnitude = MagnitudeBlend.Rank }).Plan(graph, context, target, constraints);
        foreach (var layer in details.Layers)
        {
            // Without magnitude, the first channels in CMI order.
            Assert.Equal(layer.Order.Take(3).OrderBy(i => i), paper.Decisions[layer.GroupId].Keep);
            // Six channels in quartile bands 0, 0, 1, 2, 2, 3: keeping three keeps the top three by weight, l1's choice.
            Assert.Equal(ChannelSelector.Ascending(l1[layer.GroupId]).Skip(3).OrderBy(i => i), banded.Decisions[layer.GroupId].Keep);
            // Mean rank: no removed channel has a better mean of CMI-order rank and weight rank than a kept one.
            var orderRank = new double[6];
            for (var position = 0; position < 6; position++) orderRank[layer.Order[position]] = 5 - position;
            var weightRank = new double[6];
            foreach (var (channel, rank) in ChannelSelector.Ascending(l1[layer.GroupId]).Select((c, r) => (c, r))) weightRank[channel] = rank;
            var kept = ranked.Decisions[layer.GroupId].Keep;
            Assert.Equal(3, kept.Count);
            var removed = Enumerable.Range(0, 6).Except(kept).ToArray();
            Assert.True(kept.Min(c => orderRank[c] + weightRank[c]) >= removed.Max(c => orderRank[c] + weightRank[c]), $"{layer.Name}: kept {string.Join(",", kept)}");
            Assert.Contains("blended with weight magnitude (rank)", ranked.Decisions[layer.GroupId].Reason);
        }
    }

    [Fact]
    public void AMacsBudgetIsMetByScalingEveryCutoff()
    {
        var (graph, method, context) = Measured(new CmiParameters { Samples = 96, Order = CmiLayerOrder.Forward });
        var target = new TargetPolicy(TargetKind.Macs, 0.4);
        var constraints = ConstraintsPolicy.Default with { RoundTo = 1, MaxRatio = 1.0 };

        var plan = method.Plan(graph, context, target, constraints);

        var candidates = graph.PrunableGroups.ToList();
        var kept = candidates.ToDictionary(g => g.Id, g => plan.KeptIndices(g).Count);
        Assert.True(Budget.For(target, graph, candidates).Meets(kept));
        var details = Assert.IsType<CmiReport>(((IPruningMethod)method).Details);
        Assert.NotNull(details.Scale);
        Assert.Contains("scaled by", details.HowTargetMet);
        // Each layer keeps at least the fewest channels carrying scale × the CMI share of its cutoff.
        foreach (var layer in details.Layers)
        {
            var curve = layer.Cumulative;
            var goal = Math.Min(1, details.Scale!.Value * curve[layer.Cutoff] / curve[^1]);
            var fewest = Enumerable.Range(1, layer.Channels).First(k => k == layer.Channels || curve[k] >= goal * curve[^1] - 1e-4);
            Assert.True(kept[layer.GroupId] >= Math.Min(fewest, layer.Channels) - 1, $"{layer.Name}: kept {kept[layer.GroupId]}, fewest {fewest}");
        }
        foreach (var group in candidates.Where(g => kept[g.Id] < g.Size))
            Assert.False(Budget.For(target, graph, candidates).Meets(new Dictionary<int, int>(kept) { [group.Id] = kept[group.Id] + 1 }));
    }

    [Fact]
    public void ConstraintsBoundTheCutoffsAndExcludedLayersAreLeftAlone()
    {
        var (graph, method, context) = Measured(new CmiParameters { Samples = 96 });
        var excluded = graph.PrunableGroups.First();
        var constraints = ConstraintsPolicy.Default with
        {
            RoundTo = 1, MinChannels = 5,
            Exclude = [NodeSelector.Parse(excluded.Producers.First(), out _)!],
        };

        var plan = method.Plan(graph, context, TargetPolicy.Auto, constraints);

        Assert.False(plan.Decisions.ContainsKey(excluded.Id));
        var other = Assert.Single(plan.Decisions.Values);
        Assert.True(other.Kept >= 5);
    }

    [Fact]
    public void FewerCalibrationSamplesThanAskedIsAWarningAndTheGramsUseWhatThereIs()
    {
        var (graph, method, context) = Measured(new CmiParameters { Samples = 512 }, samples: 100);

        method.Plan(graph, context, TargetPolicy.Auto, ConstraintsPolicy.Default with { RoundTo = 1 });

        var warning = Assert.Single(method.Warnings, w => w.Code == CmiCodes.FewerSamples);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("IP0840", warning.Code.Id);
        Assert.Equal(100, method.Details!.Samples);
    }

    [Fact]
    public void TheSamplesKeptAreBoundedByNWhateverTheDataSize()
    {
        var (_, _, small) = Measured(new CmiParameters { Samples = 64 }, samples: 64);
        var (_, _, large) = Measured(new CmiParameters { Samples = 64 }, samples: 640);
        long Bytes(MethodContext c) => c.Accumulators.OfType<CmiSampleAccumulator>().Single().Bytes;
        Assert.Equal(Bytes(small), Bytes(large));
        Assert.True(Bytes(small) > 0);
    }

    [Fact]
    public void TheCalibrationPassStopsOnceTheSamplesAreKept()
    {
        var model = ToyNets.TwoHiddenLayers();
        var graph = DependencyGraph.Analyze(model);
        var accumulators = new CmiMethod(new CmiParameters { Samples = 100 }).Accumulators(graph);
        using var executor = GraphExecutor.Create(model, torch.CPU);

        var seen = CalibrationPass.Stream(executor, ToyNets.ThreeClassData(640).Batches(64), accumulators);

        Assert.Equal(128, seen); // two batches of 64 hold the 100 samples; the other eight never run
        Assert.Equal(100, accumulators.OfType<CmiSampleAccumulator>().Single().Count);
    }
}
