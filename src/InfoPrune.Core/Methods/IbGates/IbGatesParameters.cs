using InfoPrune.Core.Policy;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Methods.IbGates;

/// <summary>
/// Parameters of <c>"method": { "name": "ib-gates", … }</c>.
/// </summary>
/// <param name="Epochs">Epochs of gate training (gates and weights together) before the cut, ≥ 1.</param>
/// <param name="LearningRate">The gates' own learning rate (Adam, held fixed), &gt; 0.</param>
/// <param name="Gamma">γ′, the weight of the information-bottleneck penalty against the task loss, ≥ 0, held fixed;
/// null (<c>"auto"</c>): under a MACs or parameter budget γ′ starts at <see cref="DefaultGamma"/> and follows the budget
/// (<see cref="GateBudgetController"/>), otherwise it is <see cref="DefaultGamma"/>.</param>
/// <param name="Threshold">With <c>"target": "auto"</c>, sets whose log(1 + μ²/σ²) falls below it are removed, ≥ 0.
/// Under a budget the threshold is set to meet the budget instead.</param>
public sealed record IbGatesParameters(int Epochs = 1, double LearningRate = IbGatesParameters.DefaultLearningRate,
    double? Gamma = null, double Threshold = IbGatesParameters.DefaultThreshold) : MethodParameters
{
    /// <summary>A gate's learning rate: fast enough that an unopposed gate's signal-to-noise ratio falls by e² in ~100 steps.</summary>
    public const double DefaultLearningRate = 0.02;

    /// <summary>γ′ when the policy gives none and no budget moves it, and where a budget's controller starts.</summary>
    public const double DefaultGamma = 0.1;

    /// <summary>ln 2: a set is removed when its gate's mean no longer stands out of its noise (μ² &lt; σ²).</summary>
    public const double DefaultThreshold = 0.6931471805599453;

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var epochs = reader.Integer("epochs", 1, 1, 1000);
        var lr = reader.Number("lr", DefaultLearningRate, NumberRule.Positive);
        var gamma = ReadGamma(reader);
        var threshold = reader.Number("threshold", DefaultThreshold, NumberRule.NonNegative);
        reader.Finish();
        return new IbGatesParameters(epochs, lr, gamma, threshold);
    }

    /// <summary><c>gamma</c>: <c>"auto"</c> (null, the default) or γ′ ≥ 0.</summary>
    private static double? ReadGamma(PolicyObjectReader reader) =>
        reader.NumberUnlessWord("gamma", "auto", "\"auto\" or a number >= 0 (γ′, held fixed)") is { } number
            ? reader.Values.Number(number, reader.PathOf("gamma"), NumberRule.NonNegative)
            : null;
}
