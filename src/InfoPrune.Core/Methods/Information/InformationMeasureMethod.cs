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
public sealed class InformationMeasureMethod : IImportanceMethod
{
    /// <summary>A method for <paramref name="measure"/> with the shared <paramref name="settings"/>.</summary>
    public InformationMeasureMethod(InformationMeasure measure, MeasureSettings? settings = null)
    {
        Measure = measure;
        Settings = InformationWarnings.RequireRunnable(settings ?? MeasureSettings.Default);
        _settingWarnings = InformationWarnings.For(Settings, Name);
    }

    internal static MethodDefinition EntropyDefinition { get; } = DefinitionFor(InformationMeasure.Entropy);
    internal static MethodDefinition MutualInformationDefinition { get; } = DefinitionFor(InformationMeasure.MutualInformation);
    internal static MethodDefinition KlSelectivityDefinition { get; } = DefinitionFor(InformationMeasure.KlSelectivity);
    internal static MethodDefinition JsSeparationDefinition { get; } = DefinitionFor(InformationMeasure.JsSeparation);
    internal static MethodDefinition LabeledMiDefinition { get; } = DefinitionFor(InformationMeasure.LabeledMi);

    /// <summary>The information methods' schema fragment (every measure, hybrid, and the quantizer they share).</summary>
    internal const string Schema = "Methods/Information/information.schema.json";

    private static MethodDefinition DefinitionFor(InformationMeasure measure) => new(MeasureNames.PolicyName(measure), Schema,
        reader => InformationMeasureParameters.Parse(reader, measure),
        parameters => parameters is InformationMeasureParameters p ? new InformationMeasureMethod(p.Measure, p.Settings)
            : throw new ArgumentException($"{parameters.GetType().Name} are not the parameters of an information measure", nameof(parameters)),
        Settle: (parameters, fineTune) => parameters is InformationMeasureParameters p
            ? p with { Settings = p.Settings.ForFineTuning(fineTune.Epochs > 0) } : parameters);

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
    public MeasurementOptions Measurement => MeasurementOptions.From(Settings);

    /// <inheritdoc />
    public IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context) =>
        MagnitudeWeighting.Apply(graph, InformationWarnings.RequireMeasurements(context, Name).Scores(MeasureNames.Estimator(Measure)), Settings.Magnitude);

    /// <inheritdoc />
    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var measurements = InformationWarnings.RequireMeasurements(context, Name);
        var scores = Score(graph, context);
        _planWarnings = InformationWarnings.TiedScores(graph, scores, Name).ToArray();
        return InformationPlanner.Plan(Name, graph, measurements, scores, null, _ => Name, Settings, target, constraints);
    }
}
