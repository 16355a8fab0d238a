using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>The diagnostics the information methods raise about their settings and inputs.</summary>
internal static class InformationWarnings
{
    public static IReadOnlyList<Diagnostic> For(MeasureSettings settings, string methodName) => settings.CrossLayer
        ? new[]
        {
            new Diagnostic(InformationMethodCodes.CrossLayerRanking,
                $"method '{methodName}' ranks units across layers (crossLayer: true). Information scores are not comparable between " +
                "layers: shallow layers score lower, so mostly their generic features are removed and accuracy collapses " +
                "(neuron-importance paper, Sections 5.2 and 6). Prefer the default within-layer ranking.",
                Severity: Severity.Warning),
        }
        : Array.Empty<Diagnostic>();

    public static ActivationMeasurements RequireMeasurements(Methods.MethodContext context, string methodName) =>
        context.Measurements ?? throw new InfoPruneException(MeasurementErrors.MeasurementsMissing,
            $"method '{methodName}' needs the calibration pass's measurements (MethodContext.Measurements), but none were given");
}
