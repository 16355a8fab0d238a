using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Policy;

/// <summary>
/// Parameters of <c>ib-gates</c> (information-bottleneck gates on coupled channel sets): a
/// stochastic gate per set, trained with CE + γ·Σ|s|·log(1 + μ²/σ²); sets below the threshold go.
/// </summary>
public sealed record IbGatesParameters : MethodParameters
{
    /// <summary>Weight γ &gt; 0 of the information penalty. Default 0.001; larger prunes more.</summary>
    public double Gamma { get; init; } = 0.001;

    /// <summary>Sets whose log(1 + μ²/σ²) falls below this (≥ 0, nats) are removed. Default 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Epochs of gate training before the cut (≥ 1). Default 5.</summary>
    public int Epochs { get; init; } = 5;

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        var parameters = new IbGatesParameters
        {
            Gamma = reader.Number("gamma", 0.001, NumberRule.Positive),
            Threshold = reader.Number("threshold", 0.5, NumberRule.NonNegative),
            Epochs = reader.Integer("epochs", 5, 1, 10000),
        };
        reader.Finish();
        return parameters;
    }
}
