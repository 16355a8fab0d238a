using System.Collections.Immutable;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Mipp;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;
using TorchSharp;

namespace InfoPrune.Core.Tests.Methods;

public class MippMethodTests
{

    /// <summary>Small predictors and enough retraining for toy nets; the defaults are sized for real layers.</summary>
    private static readonly MippParameters Quick = new()
    {
        Hidden = ImmutableArray.Create(32, 32), FitSteps = 400, RetrainSteps = 60, OrderingSteps = 60, Samples = 384,
        LearningRate = 1e-2, StopAfterKept = 0, Alpha = 0.9,
    };

    private static readonly ConstraintsPolicy Unbounded = ConstraintsPolicy.Default with { MaxRatio = 1, RoundTo = 1 };

    /// <summary>
    /// x [N, 4] in [0, 1] → Gemm → Relu with 5 hidden units: u0 = x0 and u1 = x0 (a duplicate),
    /// u2 = x1 and u3 = x2 (each the only carrier of one logit), u4 = x3 (read by nothing) →
    /// Gemm → logits [u0 + u1, u2, u3].
    /// </summary>
    private static OnnxModel DuplicateAndCarriers() => new TestModelBuilder(13, seed: 3).Input("x", "N", 4).Output("logits", "N", 3)
        .Floats("w1", new long[] { 5, 4 }, [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        .Floats("b1", new long[] { 5 }, new float[5])
        .Floats("w2", new long[] { 3, 5 }, [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0])
        .Floats("b2", new long[] { 3 }, new float[3])
        .Node("Gemm", ["x", "w1", "b1"], ["pre"], ("transB", 1L))
        .Node("Relu", ["pre"], ["h"])
        .Node("Gemm", ["h", "w2", "b2"], ["logits"], ("transB", 1L))
        .Build();

    private static InMemoryData UniformData(int count, int width, int classes, int seed = 11, int[]? shape = null)
    {
        var random = new Random(seed);
        var images = new float[count * width];
        for (var i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
        return new InMemoryData(images, Enumerable.Range(0, count).Select(i => (long)(i % classes)).ToArray(), shape ?? [width]);
    }

    /// <summary>The calibration pass with the method's own accumulators, as the loop runs it.</summary>
    private static (DependencyGraph Graph, MethodContext Context) Measured(OnnxModel model, InMemoryData data, IPruningMethod method,
        int seed = 42, IProgress<string>? progress = null)
    {
        // One thread from the start, as the pipeline sets it: float sums (activations, predictor losses) depend on it.
        DeviceChoice.UseThreads(1);
        var graph = DependencyGraph.Analyze(model);
        var accumulators = method.Accumulators(graph);
        using (var executor = GraphExecutor.Create(model, torch.CPU))
            CalibrationPass.Stream(executor, data.Batches(100), accumulators);
        // Toy predictors are tiny: one thread is fastest, and a fixed count keeps plans reproducible.
        return (graph, new MethodContext { Seed = seed, Accumulators = accumulators, Progress = progress, Threads = 1 });
    }

    private static GroupDecision Hidden(PruningPlan plan) => Assert.Single(plan.Decisions.Values);

    [Fact]
    public void AUnitThatDuplicatesAnotherIsRemovedAndOneCopyStays()
    {
        var method = new MippMethod(Quick);
        var (graph, context) = Measured(DuplicateAndCarriers(), UniformData(400, 4, 3), method);

        var decision = Hidden(method.Plan(graph, context, TargetPolicy.Auto, Unbounded));

        Assert.Single(decision.Keep.Intersect([0, 1]));
        Assert.DoesNotContain(4, decision.Keep); // read by nothing downstream
        Assert.Contains("mipp α 0.9", decision.Reason);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void AUnitThatAloneCarriesTheDownstreamSignalIsKept(double alpha)
    {
        var method = new MippMethod(Quick with { Alpha = alpha });
        var (graph, context) = Measured(DuplicateAndCarriers(), UniformData(400, 4, 3), method);

        var decision = Hidden(method.Plan(graph, context, TargetPolicy.Auto, Unbounded));

        Assert.Contains(2, decision.Keep);
        Assert.Contains(3, decision.Keep);
    }

    [Fact]
    public void ALayerWhoseNextLayerNeverVariesKeepsOneUnitNotZero()
    {
        // Every weight into the logits is 0: the output is constant, so nothing in the hidden layer is needed.
        var model = new TestModelBuilder(13, seed: 4).Input("x", "N", 4).Output("logits", "N", 3)
            .Weight("w1", new long[] { 6, 4 }).Weight("b1", new long[] { 6 })
            .Floats("w2", new long[] { 3, 6 }, new float[18]).Floats("b2", new long[] { 3 }, [0.1f, 0.2f, 0.3f])
            .Node("Gemm", ["x", "w1", "b1"], ["pre"], ("transB", 1L))
            .Node("Relu", ["pre"], ["h"])
            .Node("Gemm", ["h", "w2", "b2"], ["logits"], ("transB", 1L))
            .Build();
        var method = new MippMethod(Quick);
        var (graph, context) = Measured(model, UniformData(200, 4, 3), method);

        var decision = Hidden(method.Plan(graph, context, TargetPolicy.Auto, Unbounded));

        Assert.Equal(1, decision.Kept);
        Assert.Equal(6, graph.Groups[decision.GroupId].Size);
    }

    [Fact]
    public void NoLayerDropsToZeroUnitsAtTheHighestConfidence()
    {
        var method = new MippMethod(Quick with { Alpha = 0.999999, Repeats = 2 });
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300), method);

        var plan = method.Plan(graph, context, TargetPolicy.Auto, Unbounded);

        Assert.Equal(2, plan.Decisions.Count);
        Assert.All(plan.Decisions.Values, d => Assert.True(d.Kept >= 1, $"group {d.GroupId} kept {d.Kept}"));
        plan.Validate(graph);
    }

    [Fact]
    public void TheSameSeedGivesTheSamePlan()
    {
        PruningPlan PlanWithSeed(int seed)
        {
            var method = new MippMethod(Quick with { FitSteps = 150, RetrainSteps = 20 });
            var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300), method, seed);
            return method.Plan(graph, context, TargetPolicy.Auto, Unbounded);
        }

        var first = PlanWithSeed(5);
        var second = PlanWithSeed(5);

        Assert.Equal(first.Decisions.Keys.Order(), second.Decisions.Keys.Order());
        // The kept units are the plan. (The losses quoted in the reasons have differed in the 4th
        // decimal between two runs in one process: libtorch float sums are not bit-stable here.)
        foreach (var (id, decision) in first.Decisions)
            Assert.Equal(decision.Keep, second.Decisions[id].Keep);
    }

    [Fact]
    public void LayersArePlannedFromTheOutputBackToTheInput()
    {
        var reports = new List<string>();
        var method = new MippMethod(Quick with { FitSteps = 50, RetrainSteps = 5, OrderingSteps = 5 });
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(200), method, progress: new ListProgress(reports));

        method.Plan(graph, context, TargetPolicy.Auto, Unbounded);

        var names = graph.PrunableGroups.OrderBy(g => g.Id).Select(g => g.Name).ToArray();
        Assert.Equal(2, reports.Count);
        Assert.Contains($"'{names[1]}'", reports[0]);
        Assert.Contains($"'{names[0]}'", reports[1]);
    }

    [Fact]
    public void AParameterBudgetIsMetBySearchingAlphaAndTheReasonSaysWhichAlpha()
    {
        var method = new MippMethod(Quick with { FitSteps = 150, RetrainSteps = 20, OrderingSteps = 20 });
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300), method);
        var target = new TargetPolicy(TargetKind.Params, 0.6);

        var plan = method.Plan(graph, context, target, Unbounded);

        var budget = Budget.For(target, graph, graph.PrunableGroups);
        Assert.True(budget.Meets(plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept)),
            $"kept {budget.Measure(plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept))} of {budget.Total} parameters");
        // And it uses the budget: no layer could keep one more unit and still meet it.
        var kept = plan.Decisions.ToDictionary(d => d.Key, d => d.Value.Kept);
        foreach (var group in graph.PrunableGroups.Where(g => kept.ContainsKey(g.Id) && kept[g.Id] < g.Size))
            Assert.False(budget.Meets(new Dictionary<int, int>(kept) { [group.Id] = kept[group.Id] + 1 }),
                $"'{group.Name}' could keep {kept[group.Id] + 1} of {group.Size} within the budget ({budget.Measure(kept)} of {budget.Goal} used)");
        Assert.NotNull(method.ChosenAlpha);
        Assert.All(plan.Decisions.Values, d => Assert.Contains("α searched for params 0.6", d.Reason));
    }

    [Fact]
    public void ConstraintsBoundWhatMippRemoves()
    {
        var method = new MippMethod(Quick with { Alpha = 0.999999, Repeats = 2, FitSteps = 100, RetrainSteps = 10 });
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(300), method);
        var first = graph.PrunableGroups.OrderBy(g => g.Id).First();
        var constraints = ConstraintsPolicy.Default with
        {
            MinChannels = 4, MaxRatio = 1, RoundTo = 1,
            Exclude = ImmutableArray.Create(NodeSelector.Parse(first.Producers[0], out _)!),
        };

        var plan = method.Plan(graph, context, TargetPolicy.Auto, constraints);

        Assert.False(plan.Decisions.ContainsKey(first.Id));
        Assert.All(plan.Decisions.Values, d => Assert.True(d.Kept >= 4, $"group {d.GroupId} kept {d.Kept}"));
    }

    /// <summary>Networks the method was not written against: Inception-style concat branches, MobileNet-style depthwise convolutions.</summary>
    [Theory]
    [InlineData("inception.onnx")]
    [InlineData("mobilenet.onnx")]
    public void UnseenConcatAndDepthwiseNetworksPlanToAValidModelThatRuns(string file)
    {
        var model = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));
        var method = new MippMethod(Quick with { FitSteps = 40, RetrainSteps = 5, OrderingSteps = 10, Samples = 64, Alpha = 0.95 });
        var (graph, context) = Measured(model, UniformData(64, 784, 10, shape: [1, 28, 28]), method);

        var plan = method.Plan(graph, context, TargetPolicy.Auto, ConstraintsPolicy.Default with { RoundTo = 1 });

        plan.Validate(graph);
        Assert.NotEmpty(plan.Decisions);
        Assert.All(plan.Decisions.Values, d => Assert.StartsWith("mipp α 0.95", d.Reason));
        var pruned = Surgery.Apply(graph, plan);
        using var executor = GraphExecutor.Create(pruned, torch.CPU);
        using var noGrad = torch.no_grad();
        using var logits = executor.Forward(torch.rand(3, 1, 28, 28));
        Assert.Equal(new long[] { 3, 10 }, logits.shape);
        Assert.True(new CostModel(DependencyGraph.Analyze(pruned)).OriginalParams <= new CostModel(graph).OriginalParams);
    }

    [Fact]
    public void PlanningWithoutTheCalibrationSampleIsRefusedWithItsCode()
    {
        var graph = DependencyGraph.Analyze(ToyNets.TwoHiddenLayers());

        var error = Assert.Throws<InfoPrune.Core.Diagnostics.InfoPruneException>(() =>
            new MippMethod().Plan(graph, new MethodContext(), TargetPolicy.Auto, ConstraintsPolicy.Default));

        Assert.Equal("IP0822", error.Code.Id);
    }

    [Fact]
    public void TooFewCalibrationSamplesAreRefusedWithItsCode()
    {
        var method = new MippMethod(Quick);
        var (graph, context) = Measured(ToyNets.TwoHiddenLayers(), ToyNets.ThreeClassData(10), method);

        var error = Assert.Throws<InfoPrune.Core.Diagnostics.InfoPruneException>(() =>
            method.Plan(graph, context, TargetPolicy.Auto, ConstraintsPolicy.Default));

        Assert.Equal("IP0820", error.Code.Id);
        Assert.Contains("10", error.Message);
    }

    [Theory]
    [InlineData(0.9, 4, 1.533)]
    [InlineData(0.95, 2, 2.920)]
    [InlineData(0.99, 9, 2.821)]
    [InlineData(0.1, 4, -1.533)]
    public void StudentQuantilesMatchTheTables(double p, int degrees, double expected) =>
        Assert.Equal(expected, StudentT.Quantile(p, degrees), 3);

    private sealed class ListProgress(List<string> reports) : IProgress<string>
    {
        public void Report(string value) => reports.Add(value);
    }
}
