using InfoPrune.Core.Methods;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// The paper's hybrid scheme (Section 6, Fig. 5): a measure per layer — by default mutual
/// information in the shallow layers and KL selectivity in the deep ones — and, with
/// <c>splitRates</c>, under a MACs or parameter budget, per-layer pruning rates in the ratio of the
/// split (default 1:2, deep layers pruned twice as hard); without it the budget is shared as
/// <c>constraints.allocation</c> says. See <see cref="HybridLayout"/> for how shallow and deep are decided.
/// </summary>
public sealed class HybridMethod : IImportanceMethod
{
    /// <summary>A hybrid with <paramref name="parameters"/> (the paper's defaults when null).</summary>
    public HybridMethod(HybridParameters? parameters = null)
    {
        Parameters = parameters ?? new HybridParameters();
        InformationWarnings.RequireRunnable(Parameters.Settings);
        _settingWarnings = InformationWarnings.For(Parameters.Settings, Name);
    }

    internal static MethodDefinition Definition { get; } = new("hybrid", InformationMeasureMethod.Schema, HybridParameters.Parse,
        parameters => new HybridMethod(parameters as HybridParameters
            ?? throw new ArgumentException($"{parameters.GetType().Name} are not hybrid's parameters", nameof(parameters))),
        Settle: (parameters, fineTune) => parameters is HybridParameters p
            ? p with { Settings = p.Settings.ForFineTuning(fineTune.Epochs > 0) } : parameters);

    /// <summary>The shallow and deep measures, the split and the shared settings.</summary>
    public HybridParameters Parameters { get; }

    /// <inheritdoc />
    public string Name => "hybrid";

    /// <inheritdoc />
    public bool RanksAcrossLayers => Parameters.Settings.CrossLayer;

    /// <summary>
    /// With <c>constraints.allocation</c> "auto": the shallow:deep split's rates when
    /// <see cref="HybridParameters.SplitRates"/> asks for them, else a uniform ratio, as for the single measures.
    /// </summary>
    public LayerAllocation PreferredAllocation =>
        RanksAcrossLayers ? LayerAllocation.Global : Parameters.SplitRates ? LayerAllocation.Auto : LayerAllocation.Uniform;

    private readonly IReadOnlyList<Diagnostic> _settingWarnings;
    private IReadOnlyList<Diagnostic> _planWarnings = Array.Empty<Diagnostic>();

    /// <summary>Warnings about the settings, then about the scores of the last <see cref="Plan"/> (e.g. layers whose units all tie).</summary>
    public IReadOnlyList<Diagnostic> Warnings => _settingWarnings.Concat(_planWarnings).ToArray();

    /// <inheritdoc />
    public MeasurementOptions Measurement => MeasurementOptions.From(Parameters.Settings);

    /// <summary>The role of every measured group, shallowest first.</summary>
    public IReadOnlyList<HybridLayer> Layout(DependencyGraph graph, MethodContext context)
    {
        var measurements = InformationWarnings.RequireMeasurements(context, Name);
        // Group ids follow graph order, so ascending id is depth order.
        var ids = graph.PrunableGroups.Select(g => g.Id).Where(measurements.Groups.ContainsKey).OrderBy(id => id).ToArray();
        return HybridLayout.Assign(ids, Parameters);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context)
    {
        var measurements = InformationWarnings.RequireMeasurements(context, Name);
        return MagnitudeWeighting.Apply(graph, Layout(graph, context).ToDictionary(l => l.GroupId,
            l => measurements.Groups[l.GroupId].Scores(MeasureNames.Estimator(l.Measure))), Parameters.Settings.Magnitude);
    }

    /// <inheritdoc />
    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var measurements = InformationWarnings.RequireMeasurements(context, Name);
        var layout = Layout(graph, context).ToDictionary(l => l.GroupId);
        var split = $"{Parameters.Split[0]:0.##}:{Parameters.Split[1]:0.##}";
        string Reason(int id) =>
            $"hybrid: lowest {MeasureNames.PolicyName(layout[id].Measure)} units of a {(layout[id].IsShallow ? "shallow" : "deep")} layer removed (shallow:deep pruning rates {split})";
        var scores = Score(graph, context);
        _planWarnings = InformationWarnings.TiedScores(graph, scores, Name).ToArray();
        return InformationPlanner.Plan(Name, graph, measurements, scores,
            Parameters.SplitRates ? layout.ToDictionary(l => l.Key, l => l.Value.PruneWeight) : null, Reason, Parameters.Settings, target, constraints);
    }
}
