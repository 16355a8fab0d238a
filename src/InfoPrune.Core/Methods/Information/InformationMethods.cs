using InfoPrune.Core.Methods;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>
/// The factory the pipeline uses for the information methods: <c>entropy</c>,
/// <c>mutual-information</c>, <c>kl-selectivity</c>, <c>js-separation</c>, <c>labeled-mi</c>
/// and <c>hybrid</c>, and the calibration options each one needs.
/// </summary>
public static class InformationMethods
{
    /// <summary>True when the policy names one of the information methods.</summary>
    public static bool Handles(MethodPolicy policy) =>
        policy.Parameters is InformationMeasureParameters or HybridParameters;

    /// <summary>The method a policy asks for.</summary>
    public static IPlanningMethod Create(MethodPolicy policy) => policy.Parameters switch
    {
        InformationMeasureParameters single => new InformationMeasureMethod(single.Measure, single.Settings),
        HybridParameters hybrid => new HybridMethod(hybrid),
        _ => throw new ArgumentException($"method '{policy.Name}' is not an information method", nameof(policy)),
    };

    /// <summary>How the calibration pass must measure for the policy's method.</summary>
    public static MeasurementOptions MeasurementOptionsFor(MethodPolicy policy) => policy.Parameters switch
    {
        InformationMeasureParameters single => MeasurementOptions.From(single.Settings),
        HybridParameters hybrid => MeasurementOptions.From(hybrid.Settings),
        _ => throw new ArgumentException($"method '{policy.Name}' is not an information method", nameof(policy)),
    };
}
