using InfoPrune.Core.Methods;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// One of the neuron-importance paper's measures as a pruning method: <c>entropy</c> H(T),
/// <c>mutual-information</c> I(T;Y), <c>kl-selectivity</c> max_y D(P_T|Y=y ‖ P_T),
/// <c>js-separation</c> max_A I(T;1[Y∈A]), <c>labeled-mi</c> max_c I(T;1[Y=c]) (Section 4,
/// Appendix B), each unit scored from the calibration pass's joint counts. Units are ranked
/// within their layer: the paper shows the measures are not comparable across layers (Sections
/// 5.2–5.3), so cross-layer ranking happens only when the policy asks, with a warning.
/// </summary>
public sealed class InformationMeasureMethod : IPlanningMethod
{
    /// <summary>A method for <paramref name="measure"/> with the shared <paramref name="settings"/>.</summary>
    public InformationMeasureMethod(InformationMeasure measure, MeasureSettings? settings = null)
    {
        Measure = measure;
        Settings = settings ?? MeasureSettings.Default;
        _settingWarnings = InformationWarnings.For(Settings, Name);
    }

    /// <summary>The measure ranking the units.</summary>
    public InformationMeasure Measure { get; }

    /// <summary>Quantizer, collapse, compensation and cross-layer settings.</summary>
    public MeasureSettings Settings { get; }

    /// <inheritdoc />
    public string Name => MeasureNames.PolicyName(Measure);

    /// <inheritdoc />
    public bool RanksAcrossLayers => Settings.CrossLayer;

    private readonly IReadOnlyList<Diagnostic> _settingWarnings;
    private IReadOnlyList<Diagnostic> _planWarnings = Array.Empty<Diagnostic>();

    /// <summary>Warnings about the settings, then about the scores of the last <see cref="Plan"/> (e.g. layers whose units all tie).</summary>
    public IReadOnlyList<Diagnostic> Warnings => _settingWarnings.Concat(_planWarnings).ToArray();

    /// <inheritdoc />
    public IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context) =>
        InformationWarnings.RequireMeasurements(context, Name).Scores(MeasureNames.Estimator(Measure));

    /// <inheritdoc />
    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var measurements = InformationWarnings.RequireMeasurements(context, Name);
        var scores = Score(graph, context);
        _planWarnings = InformationWarnings.TiedScores(graph, scores, Name).ToArray();
        return InformationPlanner.Plan(Name, graph, measurements, scores, null, _ => Name, Settings, target, constraints);
    }
}
