namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// Each curve of a layer reduced to its mean accuracy (the area under the curve), and the two
/// comparisons the paper draws: does ablating low-MI units first cost less than random ablation
/// (Section 5.3), and does bias balancing help (Fig. 1 for sigmoid, Appendix E for ReLU).
/// </summary>
/// <param name="UpToFraction">The part of the curves averaged: points with at most this fraction of the layer ablated (1 = whole curve).</param>
/// <param name="Plain">Ordering name → mean accuracy, units ablated to zero.</param>
/// <param name="Balanced">Ordering name → mean accuracy with bias balancing; null when the layer cannot take it.</param>
public sealed record LayerAblationSummary(double UpToFraction, IReadOnlyDictionary<string, double> Plain, IReadOnlyDictionary<string, double>? Balanced)
{
    /// <summary>Summarizes a layer's curves over the points with at most <paramref name="upToFraction"/> ablated.</summary>
    public static LayerAblationSummary Of(IReadOnlyCollection<AblationCurve> curves, double upToFraction) => new(upToFraction,
        curves.Where(c => !c.Balanced).ToDictionary(c => c.Ordering, c => c.MeanAccuracyUpTo(upToFraction)),
        curves.Any(c => c.Balanced) ? curves.Where(c => c.Balanced).ToDictionary(c => c.Ordering, c => c.MeanAccuracyUpTo(upToFraction)) : null);

    /// <summary>The name of the ordering the paper's main claim is about.</summary>
    public const string MutualInformationLowFirst = "mutual-information-low";

    /// <summary>Mean over the random orderings, without balancing.</summary>
    public double? RandomPlain => RandomMean(Plain);

    /// <summary>Mean over the random orderings, with balancing.</summary>
    public double? RandomBalanced => Balanced == null ? null : RandomMean(Balanced);

    /// <summary>MI low→high minus the random mean, without balancing (positive: MI ranks units better than chance).</summary>
    public double? MutualInformationAdvantagePlain => Difference(Plain.GetValueOrDefault(MutualInformationLowFirst, double.NaN), RandomPlain);

    /// <summary>MI low→high minus the random mean, with balancing.</summary>
    public double? MutualInformationAdvantageBalanced =>
        Balanced == null ? null : Difference(Balanced.GetValueOrDefault(MutualInformationLowFirst, double.NaN), RandomBalanced);

    /// <summary>
    /// Balanced minus plain over the orderings the paper compares balancing on (Fig. 1, Fig. 9):
    /// the mean of the random orderings' gain and the MI low→high gain (positive: balancing helps this layer).
    /// </summary>
    public double? BalancingGain
    {
        get
        {
            var gains = new[] { BalancingGainRandom, BalancingGainMutualInformation }.Where(g => g != null).Select(g => g!.Value).ToArray();
            return gains.Length == 0 ? null : gains.Average();
        }
    }

    /// <summary>Balanced minus plain for the random orderings.</summary>
    public double? BalancingGainRandom => Difference(RandomBalanced ?? double.NaN, RandomPlain);

    /// <summary>Balanced minus plain for MI low→high.</summary>
    public double? BalancingGainMutualInformation => Balanced == null ? null
        : Difference(Balanced.GetValueOrDefault(MutualInformationLowFirst, double.NaN), Plain.GetValueOrDefault(MutualInformationLowFirst, double.NaN));

    /// <summary>Balanced minus plain averaged over every ordering, high→low ones included.</summary>
    public double? BalancingGainAllOrderings => Balanced == null ? null
        : Plain.Keys.Where(Balanced.ContainsKey).Select(k => Balanced[k] - Plain[k]).DefaultIfEmpty(double.NaN).Average();

    /// <summary>
    /// The measure whose low→high ordering kept the most accuracy (the one to prune this layer by,
    /// going by this data), with its mean accuracy; from the balanced curves when asked and present.
    /// </summary>
    public (string Measure, double MeanAccuracy)? BestLowFirst(bool balanced)
    {
        var curves = balanced ? Balanced : Plain;
        if (curves == null) return null;
        const string suffix = "-low";
        var best = curves.Where(c => c.Key.EndsWith(suffix, StringComparison.Ordinal) && !double.IsNaN(c.Value))
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key == null ? null : (best.Key[..^suffix.Length], best.Value);
    }

    private static double? RandomMean(IReadOnlyDictionary<string, double> curves)
    {
        var random = curves.Where(c => c.Key.StartsWith("random-", StringComparison.Ordinal)).Select(c => c.Value).ToArray();
        return random.Length == 0 ? null : random.Average();
    }

    private static double? Difference(double value, double? baseline) =>
        baseline is { } b && !double.IsNaN(value) && !double.IsNaN(b) ? value - b : null;
}
