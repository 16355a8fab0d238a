using InfoPrune.Core.Graph;

namespace InfoPrune.Core.Methods;

/// <summary>
/// How the size of a unit's weights enters its information score, for the ranking within a layer
/// (the information measures, hybrid, and cmi's choice of channels).
/// JSON (<c>"magnitude"</c>): "none", "rank", "product", "band". The weight size is the L1 norm of
/// every weight the unit owns, as <c>l1</c> measures it: the filter or row that makes the unit,
/// its bias and per-channel parameters, and the weights of the next layer that read it.
/// </summary>
public enum MagnitudeBlend
{
    /// <summary>Information alone: the neuron-importance paper's ranking.</summary>
    None,
    /// <summary>The mean of the unit's rank in its layer by information and its rank by weight size.</summary>
    Rank,
    /// <summary>Information × weight size relative to the layer's mean: a unit with no information scores 0 whatever its weights.</summary>
    Product,
    /// <summary>Weight size first, in four bands (the layer's quartiles); information orders the units within a band.</summary>
    Band,
    /// <summary>
    /// The information measures' policy default (not cmi's): <see cref="Rank"/> when the policy fine-tunes, <see cref="None"/>
    /// when it does not. Settled when the policy is read (<c>MeasureSettings.ForFineTuning</c>); nothing ranks by it.
    /// </summary>
    Auto,
}

/// <summary>
/// Shared by the information measures and cmi. Combines information scores with weight magnitude (<see cref="MagnitudeBlend"/>), so that within
/// a layer a unit that carries information and is strongly connected ranks above one that has only
/// one of the two. Fine-tuning keeps training the units that stay, and their weights are what it starts from.
/// </summary>
internal static class MagnitudeWeighting
{
    /// <summary>Number of weight-size bands of <see cref="MagnitudeBlend.Band"/>.</summary>
    private const int Bands = 4;

    /// <summary>
    /// The scores to rank by: <paramref name="information"/> unchanged for <see cref="MagnitudeBlend.None"/>,
    /// else combined, group by group, with the L1 norms of the units' weights in <paramref name="graph"/>.
    /// </summary>
    public static IReadOnlyDictionary<int, double[]> Apply(DependencyGraph graph, IReadOnlyDictionary<int, double[]> information, MagnitudeBlend blend)
    {
        if (blend == MagnitudeBlend.None) return information;
        var groups = graph.PrunableGroups.ToDictionary(g => g.Id);
        return information.ToDictionary(entry => entry.Key, entry => Combine(blend, entry.Value, Norms(graph, groups[entry.Key])));
    }

    /// <summary>One layer's scores to rank by, from its units' <paramref name="information"/> and weight <paramref name="norms"/>.</summary>
    public static double[] Combine(MagnitudeBlend blend, double[] information, double[] norms) => blend switch
    {
        MagnitudeBlend.None => information,
        MagnitudeBlend.Rank => MeanRank(information, norms),
        MagnitudeBlend.Product => Product(information, norms),
        MagnitudeBlend.Band => Banded(information, norms),
        MagnitudeBlend.Auto => throw new ArgumentException("magnitude Auto is settled from the policy's fine-tuning before ranking (MeasureSettings.ForFineTuning)", nameof(blend)),
        _ => throw new ArgumentOutOfRangeException(nameof(blend)),
    };

    /// <summary>JSON names of <see cref="MagnitudeBlend"/>.</summary>
    internal static readonly Policy.Reading.NamedChoices<MagnitudeBlend> Names = new(
        ("none", MagnitudeBlend.None), ("rank", MagnitudeBlend.Rank), ("product", MagnitudeBlend.Product), ("band", MagnitudeBlend.Band));

    /// <summary>How the reasons in the report name the score, e.g. "mutual-information with weight magnitude (mean of the two ranks)".</summary>
    public static string ScoreName(string measure, MagnitudeBlend blend) => blend switch
    {
        MagnitudeBlend.None => measure,
        MagnitudeBlend.Rank => $"{measure} with weight magnitude (mean of the two ranks)",
        MagnitudeBlend.Product => $"{measure} × relative weight magnitude",
        MagnitudeBlend.Band => $"{measure} within weight-magnitude quartiles",
        _ => throw new ArgumentOutOfRangeException(nameof(blend)),
    };

    /// <summary>The L1 norm of every slice of the group's tensors that each channel owns.</summary>
    public static double[] Norms(DependencyGraph graph, ChannelGroup group)
    {
        var norms = new double[group.Size];
        foreach (var member in group.Members)
        {
            var tensor = graph.Model.Graph.Initializers[member.Initializer];
            var values = tensor.Floats;
            for (var flat = 0; flat < values.Length; flat++)
            {
                var channel = member.ChannelOf(flat, tensor.Shape, group.Size);
                if (channel >= 0) norms[channel] += Math.Abs(values[flat]);
            }
        }
        return norms;
    }

    private static double[] Product(double[] information, double[] norms)
    {
        // Relative to the layer's mean, so the score stays in bits and on the scale of the layer's information.
        var mean = norms.Average();
        return information.Select((s, i) => mean > 0 ? s * norms[i] / mean : s).ToArray();
    }

    private static double[] MeanRank(double[] information, double[] norms)
    {
        var byInformation = Ranks(information);
        var byNorm = Ranks(norms);
        // Equal mean ranks are broken by information (the small term stays below half a rank step).
        var n = Math.Max(1, information.Length);
        return byInformation.Select((r, i) => (r + byNorm[i]) / 2 + r / (4.0 * n)).ToArray();
    }

    private static double[] Banded(double[] information, double[] norms)
    {
        var byNorm = Ranks(norms);
        var n = Math.Max(1, information.Length);
        // Information in bits is below the band step: a band is worth more than any information.
        var step = information.Length == 0 ? 1 : information.Max() + 1;
        return information.Select((s, i) => Math.Min(Bands - 1, Math.Floor(Bands * byNorm[i] / n)) * step + s).ToArray();
    }

    /// <summary>Ranks 0..n-1 in ascending order of <paramref name="values"/>; tied values share their mean rank.</summary>
    internal static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (var k = start; k <= end; k++) ranks[order[k]] = (start + end) / 2.0;
            start = end + 1;
        }
        return ranks;
    }
}
