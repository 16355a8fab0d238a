using InfoPrune.Core.Information;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods.Information;

/// <summary>The policy's measure names and the estimators they select.</summary>
public static class MeasureNames
{
    /// <summary>The policy method name of a measure ("mutual-information", …).</summary>
    public static string PolicyName(InformationMeasure measure) => measure switch
    {
        InformationMeasure.Entropy => "entropy",
        InformationMeasure.MutualInformation => "mutual-information",
        InformationMeasure.KlSelectivity => "kl-selectivity",
        InformationMeasure.JsSeparation => "js-separation",
        InformationMeasure.LabeledMi => "labeled-mi",
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };

    /// <summary>The estimator that computes a policy measure.</summary>
    public static NeuronMeasure Estimator(InformationMeasure measure) => measure switch
    {
        InformationMeasure.Entropy => NeuronMeasure.Entropy,
        InformationMeasure.MutualInformation => NeuronMeasure.MutualInformation,
        InformationMeasure.KlSelectivity => NeuronMeasure.KlSelectivity,
        InformationMeasure.JsSeparation => NeuronMeasure.JsSeparation,
        InformationMeasure.LabeledMi => NeuronMeasure.LabeledMi,
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };
}
