using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.IbGates;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;
using InfoPrune.Core.Tests.Training;
using InfoPrune.Tests.Support;
using InfoPrune.Core.Training;
using InfoPrune.Core.Validation;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>
/// The information-bottleneck gates: placement on coupled sets, identity at μ = 1, the penalty's
/// gradient, the cut of a set that feeds only a dead branch, the exact fold of μ, determinism.
/// Noise comes from libtorch's global generator, hence the collection.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public class IbGatesTests
{
    /// <summary>
    /// conv (bias) → relu → conv (bias) + 1x1 shortcut conv (no bias), added → relu → conv → kept BN →
    /// relu → GAP → flatten → gemm → relu → gemm head: a residual coupled set, a layer with its
    /// BatchNorm kept, and a hidden fully connected layer.
    /// </summary>
    private static OnnxModel ResidualNet() => ResidualTestNet.Build(seed: 21, inputChannels: 3, size: 6, first: 4, residual: 5, normalized: 6, hidden: 7, classes: 3);

    private static readonly long[] InputShape = { 8, 3, 6, 6 };

    private static Tensor RandomInput(long[] shape, int seed)
    {
        var random = new Random(seed);
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return torch.tensor(values, shape);
    }

    private static float[] Run(GraphExecutor executor, Tensor input, bool training)
    {
        executor.Training = training;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return executor.Forward(input).contiguous().data<float>().ToArray();
    }

    /// <summary>Sets every gate's μ and log σ² (the hook's parameters: all μ vectors, then all log σ² vectors).</summary>
    private static void SetGates(CoupledSetGates gates, Func<int, int, double> mean, double logVariance)
    {
        using var noGrad = torch.no_grad();
        var count = gates.Groups.Count;
        for (var g = 0; g < count; g++)
        {
            var mu = gates.Parameters[g];
            var values = Enumerable.Range(0, (int)mu.shape[0]).Select(i => (float)mean(g, i)).ToArray();
            mu.copy_(torch.tensor(values));
            gates.Parameters[count + g].fill_(logVariance);
        }
    }

    [Fact]
    public void GatesSitOnEveryProducerOfACoupledSetAndAfterAKeptBatchNorm()
    {
        var graph = DependencyGraph.Analyze(ResidualNet());
        var layout = CoupledSetGates.Place(graph, graph.Model, graph.Registry);
        var residual = layout.Single(g => g.Sites.Count == 2);
        // Both branches of the residual Add share one gate vector, each at its own producer's output.
        Assert.Equal(new[] { "b", "s" }, residual.Sites.Select(s => s.Value).OrderBy(v => v));
        // The conv before the kept BatchNorm is gated on the normaliser's output, where the fold of μ is exact.
        Assert.Contains(layout, g => g.Sites.Any(s => s.Value == "c2"));
        Assert.DoesNotContain(layout, g => g.Sites.Any(s => s.Value == "c"));
        // |s|: c2 and the shortcut produce the residual set, c3 reads it.
        Assert.Equal(3, residual.SetWeight);
    }

    [Fact]
    public void GatesAtMeanOneLeaveTheNetworkUnchangedInEvalModeAndWithVanishingNoiseInTrainMode()
    {
        var model = ResidualNet();
        var graph = DependencyGraph.Analyze(model);
        using var plain = GraphExecutor.Create(model, torch.CPU);
        using var gated = GraphExecutor.Create(model, torch.CPU);
        using var gates = CoupledSetGates.Attach(graph, gated, gamma: 1, learningRate: 0.01);
        using var input = RandomInput(InputShape, 3);

        SetGates(gates, (_, _) => 1.0, logVariance: 2.0); // large noise: eval mode must not see it
        Assert.Equal(Run(plain, input, training: false), Run(gated, input, training: false));

        SetGates(gates, (_, _) => 1.0, logVariance: -60); // σ = e^-30: the noise vanishes in train mode too
        var expected = Run(plain, input, training: true);
        var actual = Run(gated, input, training: true);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"output {i}: {expected[i]} vs {actual[i]}");

        // And the gates do act: μ = 0.5 on every set changes the output.
        SetGates(gates, (_, _) => 0.5, logVariance: -60);
        Assert.NotEqual(Run(plain, input, training: false), Run(gated, input, training: false));
    }

    [Fact]
    public void PenaltyGradientMatchesFiniteDifferencesAndShrinksTheSignalToNoiseRatio()
    {
        var graph = DependencyGraph.Analyze(ResidualNet());
        using var executor = GraphExecutor.Create(graph.Model, torch.CPU);
        const double gamma = 0.7;
        const long batch = 16;
        using var gates = CoupledSetGates.Attach(graph, executor, gamma, learningRate: 0.01);
        var random = new Random(5);
        SetGates(gates, (_, _) => 0.2 + random.NextDouble(), logVariance: 0);
        using (torch.no_grad())
            foreach (var logVariance in gates.Parameters.Skip(gates.Groups.Count))
                logVariance.copy_(torch.rand(logVariance.shape) * 4 - 3);

        foreach (var p in gates.Parameters) p.grad?.zero_();
        using (var penalty = gates.Penalty(batch)) penalty.backward();

        // Central differences in float64 of the same formula, for one μ and one log σ² of each group.
        double Penalty() { using var noGrad = torch.no_grad(); using var p = gates.Penalty(batch); return p.to(ScalarType.Float64).item<double>(); }
        const float step = 1e-2f;
        foreach (var parameter in gates.Parameters)
        {
            var analytic = parameter.grad!.data<float>().ToArray();
            for (var i = 0; i < parameter.shape[0]; i += 2)
            {
                double up, down;
                using (torch.no_grad()) parameter[i].add_(step);
                up = Penalty();
                using (torch.no_grad()) parameter[i].sub_(2 * step);
                down = Penalty();
                using (torch.no_grad()) parameter[i].add_(step);
                var numeric = (up - down) / (2 * step);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 * Math.Max(1, Math.Abs(numeric)), $"gradient {analytic[i]} vs finite difference {numeric}");
            }
        }

        // The closed form: ∂/∂μ = (γ′/N_b)|s|·2μ/(μ² + σ²) > 0 for μ > 0 (gradient descent shrinks μ),
        // ∂/∂log σ² = −(γ′/N_b)|s|·μ²/(μ² + σ²) < 0 (it grows the noise).
        for (var g = 0; g < gates.Groups.Count; g++)
        {
            var mu = gates.Parameters[g].data<float>().ToArray();
            var logVar = gates.Parameters[gates.Groups.Count + g].data<float>().ToArray();
            var dMu = gates.Parameters[g].grad!.data<float>().ToArray();
            var dLogVar = gates.Parameters[gates.Groups.Count + g].grad!.data<float>().ToArray();
            var weight = gamma / batch * gates.Groups[g].SetWeight;
            for (var i = 0; i < mu.Length; i++)
            {
                var variance = Math.Exp(logVar[i]);
                var sum = mu[i] * (double)mu[i] + variance;
                Assert.True(dMu[i] > 0 && dLogVar[i] < 0);
                Assert.Equal(weight * 2 * mu[i] / sum, dMu[i], 4);
                Assert.Equal(-weight * mu[i] * mu[i] / sum, dLogVar[i], 4);
            }
        }
    }

    [Fact]
    public void FoldingMeansIntoTheWeightsMatchesTheGatedNetworkInOnnxRuntime()
    {
        var model = ResidualNet();
        var graph = DependencyGraph.Analyze(model);
        using var gated = GraphExecutor.Create(graph.Model, torch.CPU);
        using var gates = CoupledSetGates.Attach(graph, gated, gamma: 1, learningRate: 0.01);
        // Means far from 1, one negative, so a wrong fold (wrong axis, bias forgotten, BN shift unscaled) shows.
        SetGates(gates, (g, i) => i == 1 ? -0.6 : 0.25 + 0.3 * ((g + i) % 4), logVariance: -60);
        using var input = RandomInput(InputShape, 9);
        var expected = Run(gated, input, training: false);

        var means = gates.Read().ToDictionary(kv => kv.Key, kv => kv.Value.Mean);
        var folded = CoupledSetGates.Fold(graph.Model, gates.Groups, means);
        Assert.Equal(graph.Model.Graph.Nodes.Select(n => n.OpType), folded.Graph.Nodes.Select(n => n.OpType)); // no gate op ships

        using var ort = new OrtModelRunner(folded.ToBytes());
        var (actual, _) = ort.Run(input.data<float>().ToArray(), InputShape);
        var max = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(max <= 1e-4, $"max |gated torch − folded ORT| = {max:G4}");
        var unchanged = new OrtModelRunner(graph.Model.ToBytes()).Run(input.data<float>().ToArray(), InputShape).Values;
        Assert.True(expected.Zip(unchanged, (e, a) => Math.Abs(e - a)).Max() > 1e-2, "the gates did not change the network, so the fold proves nothing");
    }

    /// <summary>
    /// x → gemm "live" (6) → relu → gemm → la; x → gemm "dead" (5) → relu → gemm → × 0 → ld;
    /// logits = la + ld. Every set of the dead group feeds only the branch multiplied by zero.
    /// </summary>
    private static OnnxModel DeadBranchNet() => new TestModelBuilder(13, seed: 4).Input("x", "N", ToyProblem.Features).Output("logits", "N", ToyProblem.Classes)
        .Weight("lw", new long[] { 6, ToyProblem.Features }).Weight("lb", new long[] { 6 })
        .Weight("lhw", new long[] { ToyProblem.Classes, 6 }).Weight("lhb", new long[] { ToyProblem.Classes })
        .Weight("dw", new long[] { 5, ToyProblem.Features }).Weight("db", new long[] { 5 })
        .Weight("dhw", new long[] { ToyProblem.Classes, 5 }).Weight("dhb", new long[] { ToyProblem.Classes })
        .Floats("zero", new long[] { 1 }, new[] { 0f })
        .Node("Gemm", new[] { "x", "lw", "lb" }, new[] { "l" }, ("transB", 1L))
        .Node("Relu", new[] { "l" }, new[] { "l2" })
        .Node("Gemm", new[] { "l2", "lhw", "lhb" }, new[] { "la" }, ("transB", 1L))
        .Node("Gemm", new[] { "x", "dw", "db" }, new[] { "d" }, ("transB", 1L))
        .Node("Relu", new[] { "d" }, new[] { "d2" })
        .Node("Gemm", new[] { "d2", "dhw", "dhb" }, new[] { "dh" }, ("transB", 1L))
        .Node("Mul", new[] { "dh", "zero" }, new[] { "ld" })
        .Node("Add", new[] { "la", "ld" }, new[] { "logits" })
        .Build();

    private static (IbGatesMethod Method, DependencyGraph Graph, PruningPlan Plan) TrainAndPlan(OnnxModel model, int seed, TargetPolicy target,
        double? gamma = 0.5, int epochs = 4)
    {
        var data = ToyProblem.Dataset(1024, seed: 5);
        var method = new IbGatesMethod(new IbGatesParameters(Epochs: epochs, LearningRate: 0.05, Gamma: gamma));
        var graph = DependencyGraph.Analyze(model);
        var constraints = ConstraintsPolicy.Default with { MaxRatio = 1 };
        using var trainee = GraphExecutor.Create(graph.Model, torch.CPU);
        OnnxModel folded;
        var trainer = new Trainer(new FineTuneOptions { Epochs = method.TrainingEpochs, BatchSize = 64, LearningRate = 0.01, Seed = seed });
        using (var session = method.BeginTraining(graph, trainee, new MethodTrainingGoal(target, constraints, trainer.TotalSteps(data))))
        {
            trainer.Train(trainee, data, hook: session);
            folded = session.Finish(trainee.ToModel());
        }
        var plannedOn = DependencyGraph.Analyze(folded);
        return (method, plannedOn, method.Plan(plannedOn, new MethodContext { Seed = seed }, target, constraints));
    }

    [Fact]
    public void TheBudgetControllerRaisesGammaWhileOpenSetsKeepTooMuchAndLowersItOnceTheyKeepLess()
    {
        var graph = DependencyGraph.Analyze(ResidualNetAsClassifier());
        var budget = new TargetPolicy(TargetKind.Macs, 0.5);
        var controller = new GateBudgetController(graph, budget, ConstraintsPolicy.Default with { MaxRatio = 1 }, threshold: 1, initialGamma: 0.1, totalSteps: 100);
        Dictionary<string, (double[] Mean, double[] Score)> AllScoring(double score) =>
            graph.PrunableGroups.ToDictionary(g => g.Name, g => (Enumerable.Repeat(1.0, g.Size).ToArray(), Enumerable.Repeat(score, g.Size).ToArray()));

        // The goal falls from the whole model to the budget over the first 60% of the steps, then holds.
        Assert.Equal(1.0, controller.Goal(0), 9);
        Assert.Equal(0.75, controller.Goal(30), 9);
        Assert.Equal(0.5, controller.Goal(60), 9);
        Assert.Equal(0.5, controller.Goal(100), 9);

        Assert.Equal(1.0, controller.KeptFraction(AllScoring(2)), 9);
        controller.Observe(10, AllScoring(2));
        Assert.Equal(0.1 * GateBudgetController.Factor, controller.Gamma, 12);
        // Every set closed: each group keeps only its minimum, far below any goal.
        var closed = controller.KeptFraction(AllScoring(0.5));
        Assert.True(closed < 0.5, $"closed sets keep {closed}");
        controller.Observe(20, AllScoring(0.5));
        controller.Observe(30, AllScoring(0.5));
        Assert.Equal(0.1 / GateBudgetController.Factor, controller.Gamma, 12);
        Assert.Equal(3, controller.Readings.Count);
        Assert.Throws<ArgumentException>(() => new GateBudgetController(graph, new TargetPolicy(TargetKind.Ratio, 0.5), ConstraintsPolicy.Default, 1, 0.1, 100));
    }

    [Fact]
    public void AnAutoGammaFollowsATightBudgetDuringGateTrainingAndTheReportShowsHow()
    {
        var budget = new TargetPolicy(TargetKind.Params, 0.3);
        var steered = TrainAndPlan(ResidualNetAsClassifier(), seed: 7, budget, gamma: null, epochs: 4);

        var readings = steered.Method.GammaReadings!;
        // 4 epochs of 16 steps, read every 10 steps.
        Assert.Equal(64 / GateBudgetController.Interval, readings.Count);
        Assert.True(readings[0].Goal > 0.8, $"first goal {readings[0].Goal}");
        Assert.Equal(budget.Fraction, readings[^1].Goal, 6);
        // The open sets start far above the budget, so γ′ rises from its starting value.
        Assert.True(readings[0].KeptFraction > readings[0].Goal);
        Assert.True(readings[^1].Gamma > IbGatesParameters.DefaultGamma, $"γ′ ended at {readings[^1].Gamma}");
        var details = Assert.IsType<GammaDetails>(((IPruningMethod)steered.Method).Details);
        Assert.Equal(readings[^1].Gamma, details.FinalGamma);
        // The cut still meets the budget.
        Assert.True(new CostModel(steered.Graph).Cost(steered.Plan).Params <= budget.Fraction * new CostModel(steered.Graph).OriginalParams + 1);
    }

    [Fact]
    public void ASetFeedingOnlyADeadBranchIsRemoved()
    {
        var (method, graph, plan) = TrainAndPlan(DeadBranchNet(), seed: 42, TargetPolicy.Auto);
        var dead = graph.Groups.Single(g => g.Producers.Contains("gemm_3"));
        var live = graph.Groups.Single(g => g.Producers.Contains("gemm_0"));
        var deadScores = method.Learned![dead.Name].Score;
        var liveScores = method.Learned[live.Name].Score;
        // Nothing of the task holds the dead sets up: the penalty alone drives them under the threshold.
        Assert.All(deadScores, s => Assert.True(s < IbGatesParameters.DefaultThreshold, $"dead set scores {s}"));
        Assert.True(deadScores.Max() < liveScores.Max());
        // All but the one channel a group always keeps (minChannels) are cut; the live group keeps more.
        Assert.Single(plan.KeptIndices(dead));
        Assert.True(plan.KeptIndices(live).Count > 1);
        Assert.NotNull(method.ScoreReport);
        Assert.Equal(IbGatesParameters.DefaultThreshold, method.ScoreReport!.Threshold);
        // A γ′ the policy gives is held fixed: nothing steers it.
        Assert.Null(method.GammaReadings);
        Assert.Null(((IPruningMethod)method).Details);
    }

    [Fact]
    public void SameSeedGivesTheSamePlanAndAnotherSeedOtherGates()
    {
        var budget = new TargetPolicy(TargetKind.Params, 0.6);
        var first = TrainAndPlan(ResidualNetAsClassifier(), seed: 7, budget);
        var second = TrainAndPlan(ResidualNetAsClassifier(), seed: 7, budget);
        var other = TrainAndPlan(ResidualNetAsClassifier(), seed: 8, budget);

        Assert.Equal(first.Plan.Decisions.Keys.Order(), second.Plan.Decisions.Keys.Order());
        foreach (var (id, decision) in first.Plan.Decisions) Assert.Equal(decision.Keep, second.Plan.Decisions[id].Keep);
        // Equal to float32 rounding: the same steps on the same batches with the same noise. (Not bit for
        // bit: two runs of this residual net in one process differ in the last bits even without gates,
        // through the CPU matrix kernels, so the gates are held to what plain training achieves.)
        static double Gap(IbGatesMethod a, IbGatesMethod b) =>
            a.Learned!.Max(kv => kv.Value.Score.Zip(b.Learned![kv.Key].Score, (x, y) => Math.Abs(x - y) / Math.Max(1e-3, Math.Abs(x))).Max());
        Assert.True(Gap(first.Method, second.Method) < 1e-3, $"same seed, relative score gap {Gap(first.Method, second.Method):G3}");
        // The seed does drive the noise (and the shuffle): another seed learns other gates.
        Assert.True(Gap(first.Method, other.Method) > 1e-2, $"another seed, relative score gap only {Gap(first.Method, other.Method):G3}");
        // Under the budget, the plan cut something and says where.
        Assert.Contains(first.Plan.Decisions.Values, d => d.Kept < first.Graph.Groups[d.GroupId].Size);
        Assert.NotNull(first.Method.ScoreReport!.Threshold);
    }

    [Theory]
    [InlineData("inception.onnx")]
    [InlineData("mobilenet.onnx")]
    public void GatesTrainCutAndFoldOnConcatAndDepthwiseNetworksIntoAValidSmallerModel(string file)
    {
        var model = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));
        using var train = LabeledDataset.Open(FashionMnist.TrainImages, FashionMnist.TrainLabels, new DatasetOptions
        {
            ClassCount = 10,
            Preprocessing = new Preprocessing { Scale = 1.0 / 255, SampleShape = [1, 28, 28] },
        });
        var method = new IbGatesMethod(new IbGatesParameters(Epochs: 1));
        var graph = DependencyGraph.Analyze(model);
        OnnxModel folded;
        var trainer = new Trainer(new FineTuneOptions { Epochs = 1, BatchSize = 32, SampleLimit = 256, Seed = 3 });
        var target = new TargetPolicy(TargetKind.Macs, 0.5);
        using (var trainee = GraphExecutor.Create(graph.Model, torch.CPU))
        using (var session = method.BeginTraining(graph, trainee, new MethodTrainingGoal(target, ConstraintsPolicy.Default with { RoundTo = 1 }, trainer.TotalSteps(train))))
        {
            Assert.NotEmpty(((IMethodTraining)session).Parameters);
            trainer.Train(trainee, train, hook: session);
            folded = session.Finish(trainee.ToModel());
        }
        Assert.Equal(model.Graph.Nodes.Select(n => n.OpType), folded.Graph.Nodes.Select(n => n.OpType));
        var plannedOn = DependencyGraph.Analyze(folded);
        var plan = method.Plan(plannedOn, new MethodContext(), target, ConstraintsPolicy.Default with { RoundTo = 1 });
        var pruned = Surgery.Apply(plannedOn, plan);
        ParityAssert.MatchesOrt(pruned, new long[] { 2, 1, 28, 28 });
        var macs = new CostModel(DependencyGraph.Analyze(pruned)).OriginalMacs;
        Assert.True(macs <= new CostModel(plannedOn).OriginalMacs * 0.51, $"{macs} MACs of {new CostModel(plannedOn).OriginalMacs}");
        // Every gated group's scores are reported, with the cut.
        Assert.Equal(method.Learned!.Count, method.ScoreReport!.Groups.Count);
    }

    /// <summary>A fully connected classifier of <see cref="ToyProblem"/>'s data with a residual (coupled) hidden layer.</summary>
    private static OnnxModel ResidualNetAsClassifier() => new TestModelBuilder(13, seed: 8).Input("x", "N", ToyProblem.Features).Output("logits", "N", ToyProblem.Classes)
        .Weight("w1", new long[] { 8, ToyProblem.Features }).Weight("b1", new long[] { 8 })
        .Weight("w2", new long[] { 8, 8 }).Weight("b2", new long[] { 8 })
        .Weight("w3", new long[] { 6, 8 }).Weight("b3", new long[] { 6 })
        .Weight("w4", new long[] { ToyProblem.Classes, 6 }).Weight("b4", new long[] { ToyProblem.Classes })
        .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h1" }, ("transB", 1L))
        .Node("Relu", new[] { "h1" }, new[] { "a1" })
        .Node("Gemm", new[] { "a1", "w2", "b2" }, new[] { "h2" }, ("transB", 1L))
        .Node("Add", new[] { "h1", "h2" }, new[] { "r" })
        .Node("Relu", new[] { "r" }, new[] { "a2" })
        .Node("Gemm", new[] { "a2", "w3", "b3" }, new[] { "h3" }, ("transB", 1L))
        .Node("Relu", new[] { "h3" }, new[] { "a3" })
        .Node("Gemm", new[] { "a3", "w4", "b4" }, new[] { "logits" }, ("transB", 1L))
        .Build();
}
