using System.Globalization;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Methods.IbGates;

/// <summary>
/// Information-bottleneck gates on coupled channel sets (the ITPCC paper): one stochastic gate per
/// coupled set, i.e. per channel index of a channel group, shared by every layer coupled at that
/// index; trained with the weights under CE + (γ′/N_b) Σ_s |s| log(1 + μ_s²/σ_s²); then the sets
/// whose log(1 + μ²/σ²) falls below the threshold are removed and the rest keep μ folded into
/// their weights (<see cref="CoupledSetGates"/>).
/// </summary>
/// <remarks>
/// The scores compare across layers by construction (a signal-to-noise ratio), so one threshold
/// cuts the whole network: with <c>"target": "auto"</c> it is the policy's; under a MACs or
/// parameter budget the engine's selector ranks every set globally by its raw score and the
/// threshold is where the budget is met; under a ratio, each group keeps its best-scoring share.
/// </remarks>
public sealed class IbGatesMethod : ITrainingMethod
{
    /// <summary>Method problems (IP0800–IP0819).</summary>
    public static readonly ErrorCode NotTrained = ErrorCode.Internal(800);

    /// <summary>The method's schema fragment.</summary>
    internal const string Schema = "Methods/IbGates/gates.schema.json";

    internal static MethodDefinition Definition { get; } = new("ib-gates", Schema, IbGatesParameters.Parse,
        parameters => new IbGatesMethod(parameters as IbGatesParameters
            ?? throw new ArgumentException($"{parameters.GetType().Name} are not ib-gates' parameters", nameof(parameters))),
        DecidesRatios: true);

    private IReadOnlyDictionary<string, (double[] Mean, double[] Score)>? _learned;
    private IReadOnlyDictionary<string, int> _setWeights = new Dictionary<string, int>();
    private ChannelScoreReport? _report;
    private IReadOnlyList<GammaReading>? _gammaReadings;

    public IbGatesMethod(IbGatesParameters? parameters = null) => Parameters = parameters ?? new IbGatesParameters();

    public IbGatesParameters Parameters { get; }

    public string Name => "ib-gates";

    /// <inheritdoc />
    public int TrainingEpochs => Parameters.Epochs;

    /// <inheritdoc />
    public ChannelScoreReport? ScoreReport => _report;

    /// <summary>What the last gate training learned, by group name: μ and log(1 + μ²/σ²) per set.</summary>
    public IReadOnlyDictionary<string, (double[] Mean, double[] Score)>? Learned => _learned;

    /// <inheritdoc />
    public IMethodTraining BeginTraining(DependencyGraph graph, GraphExecutor trainee, MethodTrainingGoal goal)
    {
        var gates = CoupledSetGates.Attach(graph, trainee, Parameters.Gamma ?? IbGatesParameters.DefaultGamma, Parameters.LearningRate);
        // γ′ follows a budget only when the policy left it to us: a number the user gave is their trade-off.
        var controller = Parameters.Gamma is null && goal.Target.Kind is TargetKind.Macs or TargetKind.Params
            ? new GateBudgetController(graph, goal.Target, goal.Constraints, Parameters.Threshold, gates.Gamma, goal.TotalSteps)
            : null;
        _gammaReadings = controller?.Readings;
        return new Session(this, gates, controller);
    }

    /// <summary>How γ′ moved during the last gate training, when a budget steered it; null when it was held fixed.</summary>
    public IReadOnlyList<GammaReading>? GammaReadings => _gammaReadings;

    /// <inheritdoc />
    object? IPruningMethod.Details => _gammaReadings is { Count: > 0 } readings ? new GammaDetails(readings[^1].Gamma, readings) : null;

    /// <inheritdoc />
    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var learned = _learned ?? throw new InfoPruneException(NotTrained, "ib-gates plans on trained gates: its gate training has not run");
        var scores = new Dictionary<int, double[]>();
        foreach (var group in graph.PrunableGroups)
            if (learned.TryGetValue(group.Name, out var gate) && gate.Score.Length == group.Size) scores[group.Id] = gate.Score;

        PruningPlan plan;
        double? threshold;
        string rule;
        if (target.Kind == TargetKind.Auto)
        {
            var candidates = graph.PrunableGroups.Where(g => scores.ContainsKey(g.Id) && !constraints.Excludes(g.Producers)).ToList();
            var counts = candidates.ToDictionary(g => g.Id, g => constraints.Round(scores[g.Id].Count(s => s >= Parameters.Threshold), g));
            var text = Parameters.Threshold.ToString("0.###", CultureInfo.InvariantCulture);
            plan = ChannelSelector.Decide(candidates, scores, counts, _ => $"{Name}: sets with log(1 + μ²/σ²) below {text} removed", Name);
            threshold = Parameters.Threshold;
            rule = "the policy's threshold";
        }
        else
        {
            // A signal-to-noise ratio means the same in every layer: rank all sets on raw scores.
            plan = ChannelSelector.Select(graph, scores, target, constraints, rankAcrossLayers: true, Name, normalisePerGroup: false);
            threshold = HighestRemoved(graph, plan, scores);
            rule = target.Kind == TargetKind.Ratio ? $"each group keeps its best {target.Fraction:P0}" : $"set to meet {target}";
        }
        _report = new ChannelScoreReport("log(1 + μ²/σ²)", threshold, rule,
            graph.PrunableGroups.Where(g => scores.ContainsKey(g.Id)).Select(g => new GroupScores(g.Id, g.Name, scores[g.Id],
                plan.KeptIndices(g).Count, _setWeights.GetValueOrDefault(g.Name, 1))).ToArray());
        return plan;
    }

    /// <summary>The largest score among removed sets: every set below it went (unless a constraint kept it).</summary>
    private static double? HighestRemoved(DependencyGraph graph, PruningPlan plan, IReadOnlyDictionary<int, double[]> scores)
    {
        double? highest = null;
        foreach (var (id, decision) in plan.Decisions)
        {
            if (!scores.TryGetValue(id, out var s)) continue;
            var kept = decision.Keep.ToHashSet();
            for (var i = 0; i < s.Length; i++)
                if (!kept.Contains(i) && (highest is null || s[i] > highest)) highest = s[i];
        }
        return highest;
    }

    /// <summary>A gate training run that hands what it learned to the method when it finishes.</summary>
    private sealed class Session(IbGatesMethod method, CoupledSetGates gates, GateBudgetController? controller) : IMethodTraining
    {
        private long _stepsDone;

        public IReadOnlyList<TorchSharp.Modules.Parameter> Parameters => gates.Parameters;
        public double LearningRate => gates.LearningRate;

        /// <summary>Called once per optimizer step, before its backward pass: where the controller reads the gates.</summary>
        public TorchSharp.torch.Tensor Penalty(long batchSize)
        {
            if (controller != null && GateBudgetController.ReadsAt(_stepsDone))
            {
                controller.Observe(_stepsDone, gates.Read());
                gates.Gamma = controller.Gamma;
            }
            _stepsDone++;
            return gates.Penalty(batchSize);
        }

        public Onnx.OnnxModel Finish(Onnx.OnnxModel trained)
        {
            method._learned = gates.Read();
            method._setWeights = gates.Groups.ToDictionary(g => g.GroupName, g => g.SetWeight, StringComparer.Ordinal);
            return gates.Finish(trained);
        }

        public void Dispose() => gates.Dispose();
    }
}

/// <summary>The report's <c>methodDetails</c> when a budget steered γ′: its last value and every reading.</summary>
/// <param name="FinalGamma">γ′ at the end of gate training.</param>
/// <param name="Readings">Each reading: step, γ′, the MACs (or parameters) the open sets kept, and the goal.</param>
public sealed record GammaDetails(double FinalGamma, IReadOnlyList<GammaReading> Readings);
