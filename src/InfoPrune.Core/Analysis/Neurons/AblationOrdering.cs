using InfoPrune.Core.Information;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>Which way a measure orders a layer's units for ablation.</summary>
public enum AblationDirection
{
    /// <summary>Lowest score first: the measure's claim is that these matter least.</summary>
    LowFirst,
    /// <summary>Highest score first: the control that should hurt most.</summary>
    HighFirst,
    /// <summary>A seeded random permutation: the baseline.</summary>
    Random,
}

/// <summary>
/// The order in which a layer's units are ablated cumulatively: the first k of
/// <see cref="Units"/> are ablated at a step that removes k units.
/// </summary>
/// <param name="Name">Stable short name used in files and plots ("mutual-information-low", "random-2").</param>
/// <param name="Measure">The measure behind the order; null for random orders.</param>
/// <param name="Direction">Low first, high first, or random.</param>
/// <param name="Seed">The seed of a random order; null otherwise.</param>
/// <param name="Units">Every unit index of the layer once, in ablation order.</param>
public sealed record AblationOrdering(string Name, NeuronMeasure? Measure, AblationDirection Direction, int? Seed, IReadOnlyList<int> Units)
{
    /// <summary>The file name of a measure ("mutual-information", …).</summary>
    public static string MeasureName(NeuronMeasure measure) => measure switch
    {
        NeuronMeasure.Entropy => "entropy",
        NeuronMeasure.MutualInformation => "mutual-information",
        NeuronMeasure.KlSelectivity => "kl-selectivity",
        NeuronMeasure.JsSeparation => "js-separation",
        NeuronMeasure.LabeledMi => "labeled-mi",
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };

    /// <summary>Orders by a measure: ascending (ties by unit index) or its exact reverse tie order, descending.</summary>
    public static AblationOrdering ByMeasure(NeuronMeasure measure, double[] scores, AblationDirection direction)
    {
        var units = Enumerable.Range(0, scores.Length);
        var ordered = direction switch
        {
            AblationDirection.LowFirst => units.OrderBy(i => scores[i]).ThenBy(i => i),
            AblationDirection.HighFirst => units.OrderByDescending(i => scores[i]).ThenBy(i => i),
            _ => throw new ArgumentOutOfRangeException(nameof(direction), "a measure orders low or high first"),
        };
        var suffix = direction == AblationDirection.LowFirst ? "low" : "high";
        return new AblationOrdering($"{MeasureName(measure)}-{suffix}", measure, direction, null, ordered.ToArray());
    }

    /// <summary>A seeded random permutation (Fisher–Yates), numbered for its name.</summary>
    public static AblationOrdering Random(int unitCount, int number, int seed)
    {
        var units = Enumerable.Range(0, unitCount).ToArray();
        var random = new System.Random(seed);
        for (var i = units.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (units[i], units[j]) = (units[j], units[i]);
        }
        return new AblationOrdering($"random-{number}", null, AblationDirection.Random, seed, units);
    }
}
