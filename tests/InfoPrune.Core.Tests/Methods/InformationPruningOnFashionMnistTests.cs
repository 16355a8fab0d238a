using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Data;
using Xunit.Abstractions;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>
/// The paper's claims on real data, without fine-tuning: removing half of each hidden layer by
/// low information keeps more accuracy than removing at random, and bias balancing does not help
/// a ReLU net (Appendix E). Measurement and evaluation share 2,000 Fashion-MNIST test images.
/// </summary>
public class InformationPruningOnFashionMnistTests(ITestOutputHelper output)
{
    private static readonly TargetPolicy HalfOfEachLayer = new(TargetKind.Ratio, 0.5);
    private static readonly Lazy<InMemoryData> Data = new(() => InMemoryData.FashionMnistTest(2000));

    private double Pruned(OnnxModel model, DependencyGraph graph, PruningPlan plan) => Data.Value.Accuracy(Surgery.Apply(graph, plan));

    private double RandomAverage(OnnxModel model, DependencyGraph graph, ActivationMeasurements measurements, bool balanced)
    {
        var accuracies = new List<double>();
        for (var seed = 1; seed <= 3; seed++)
        {
            var scores = new RandomMethod().Score(graph, new MethodContext { Seed = seed });
            var plan = ChannelSelector.Select(graph, scores, HalfOfEachLayer, ConstraintsPolicy.Default, false, "random");
            if (balanced) plan = new PruningPlan(plan.Decisions.Values, measurements.MeanActivations, plan.Decisions.Keys);
            accuracies.Add(Pruned(model, graph, plan));
        }
        output.WriteLine($"random ({(balanced ? "mean" : "none")}): {string.Join(", ", accuracies.Select(a => a.ToString("P2")))}");
        return accuracies.Average();
    }

    private double ByMethod(IPruningMethod method, OnnxModel model, DependencyGraph graph, ActivationMeasurements measurements)
    {
        var accuracy = Pruned(model, graph, method.Plan(graph, new MethodContext { Measurements = measurements }, HalfOfEachLayer, ConstraintsPolicy.Default));
        output.WriteLine($"{method.Name}: {accuracy:P2}");
        return accuracy;
    }

    [FashionMnistFact]
    public void HalvingTheReluMlpByInformationBeatsRandomAndBiasBalancingDoesNotHelp()
    {
        var model = OnnxModel.Load(TestModels.Path("mlp.onnx"));
        var graph = DependencyGraph.Analyze(model);
        var measurements = Data.Value.Measure(model, graph);
        output.WriteLine($"original: {Data.Value.Accuracy(model):P2}");

        var random = RandomAverage(model, graph, measurements, balanced: false);
        var mutualInformation = ByMethod(new InformationMeasureMethod(InformationMeasure.MutualInformation), model, graph, measurements);
        var hybrid = ByMethod(new HybridMethod(), model, graph, measurements);
        var balanced = ByMethod(new InformationMeasureMethod(InformationMeasure.MutualInformation, MeasureSettings.Default with { Compensation = Compensation.Mean }),
            model, graph, measurements);

        Assert.True(mutualInformation > random, $"MI {mutualInformation:P2} vs random {random:P2}");
        Assert.True(hybrid > random, $"hybrid {hybrid:P2} vs random {random:P2}");
        // Appendix E: for ReLU, ablation to zero beats ablation to the mean; auto chose none.
        Assert.True(balanced < mutualInformation, $"bias balancing {balanced:P2} vs none {mutualInformation:P2}");
    }
}
