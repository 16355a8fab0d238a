using System.Globalization;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// CMI filter pruning (the CMI paper): each layer's channels are ordered greedily by conditional
/// mutual information with the labels — matrix-based Rényi α-entropies of RBF Gram matrices over
/// N calibration samples — given the channels already chosen and the chosen channels of the layer
/// visited before (compact) or of every layer on the way (full); a cutoff on each layer's
/// cumulative CMI curve (Scree knee or X-means) decides how many stay. With <c>"target": "auto"</c>
/// the cutoffs are the plan; a MACs or parameter budget scales every layer's cutoff by one factor
/// along its curve (the share of the layer's CMI kept) until the plan fits; a ratio keeps that
/// share of every layer, in CMI order.
/// </summary>
public sealed class CmiMethod : IPruningMethod
{
    public CmiMethod(CmiParameters? parameters = null) => Parameters = parameters ?? new CmiParameters();

    internal static MethodDefinition Definition { get; } = new("cmi", "Methods/Cmi/cmi.schema.json", CmiParameters.Parse,
        parameters => new CmiMethod(parameters as CmiParameters
            ?? throw new ArgumentException($"{parameters.GetType().Name} are not cmi's parameters", nameof(parameters))),
        DecidesRatios: true);

    public CmiParameters Parameters { get; }

    public string Name => "cmi";

    private List<Diagnostic> _warnings = new();
    private (CmiSampleAccumulator Samples, IReadOnlyList<CmiLayer> Layers, string? Start, double Seconds)? _walked;

    /// <summary>Warnings of the last plan (fewer samples than asked, layers with no information).</summary>
    public IReadOnlyList<Diagnostic> Warnings => _warnings;

    /// <summary>The curves, cutoffs and visiting order of the last plan, for the report.</summary>
    public CmiReport? Details { get; private set; }

    object? IPruningMethod.Details => Details;

    public IReadOnlyList<IBatchAccumulator> Accumulators(DependencyGraph graph) => [new CmiSampleAccumulator(graph, Parameters.Samples)];

    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var samples = context.Accumulators.OfType<CmiSampleAccumulator>().FirstOrDefault()
            ?? throw new InfoPruneException(CmiCodes.SamplesMissing, "method 'cmi' planned without its calibration samples (MethodContext.Accumulators)");
        var candidates = graph.PrunableGroups.Where(g => samples.Groups.Contains(g.Id) && !constraints.Excludes(g.Producers)).OrderBy(g => g.Id).ToList();
        // A latency target plans many times on one measurement: the walk is done once per pass.
        if (_walked is not { } walked || !ReferenceEquals(walked.Samples, samples))
        {
            walked = Walk(samples, candidates, context);
            _walked = walked;
        }
        var layers = walked.Layers.ToDictionary(l => l.GroupId);
        candidates = candidates.Where(g => layers.ContainsKey(g.Id)).ToList();

        Dictionary<int, int> kept;
        string how;
        double? scale = null;
        switch (target.Kind)
        {
            case TargetKind.Auto:
                kept = candidates.ToDictionary(g => g.Id, g => constraints.Round(layers[g.Id].Cutoff, g));
                how = $"each layer keeps what its {CutoffName} cutoff keeps";
                break;
            case TargetKind.Ratio:
                kept = candidates.ToDictionary(g => g.Id, g => constraints.Round((int)Math.Ceiling(g.Size * target.Fraction - 1e-9), g));
                how = $"every layer keeps {target.Fraction.ToString("P0", CultureInfo.InvariantCulture)} of its channels, the first in CMI order";
                break;
            default:
                var budget = Budget.For(target, graph, candidates);
                (scale, kept) = ScaleCutoffs(candidates, layers, constraints, budget);
                var (filled, added) = SpendTheRest(candidates, layers, constraints, budget, kept);
                kept = WidthBudgetFill.Fill(candidates, filled, constraints, budget.Meets);
                how = $"every layer's {CutoffName} cutoff scaled by {scale.Value.ToString("0.###", CultureInfo.InvariantCulture)} along its cumulative CMI curve " +
                      $"(each keeps the fewest channels carrying that multiple of the CMI share its cutoff keeps; the largest factor that keeps {target}; " +
                      $"the cutoffs alone keep {Fraction(budget, layers, candidates, constraints)} of the {Budget.Describe(target.Kind)})" +
                      (added > 0 ? $", then {added} channel(s) with the most CMI left added where the budget still allowed" : "");
                break;
        }

        var decisions = candidates.Select(g => new GroupDecision(g.Id, KeptChannels(graph, g, layers[g.Id].Ordering, kept[g.Id]),
            Reason(layers[g.Id], kept[g.Id], g.Size, layers.Count))).ToList();
        var unmeasured = graph.PrunableGroups.Where(g => !samples.Groups.Contains(g.Id) && !constraints.Excludes(g.Producers))
            .Select(g => new GroupDecision(g.Id, Enumerable.Range(0, g.Size).ToArray(), "cmi: no activation of this group could be read; kept whole"));
        Details = new CmiReport(samples.Count, Parameters.Alpha, Parameters.KernelWidth is { } w ? w.ToString(CultureInfo.InvariantCulture) : "silverman",
            ConditioningName, CutoffName, OrderName, walked.Start, walked.Layers.Select(l => l.Name).ToArray(), target.ToString(), scale, how,
            samples.Bytes, (long)samples.Count * samples.Count * sizeof(double) * (candidates.Count == 0 ? 0 : candidates.Max(g => g.Size)),
            Math.Round(walked.Seconds, 3),
            walked.Layers.Select(l => new CmiLayerReport(l.Name, l.GroupId, l.Visit, l.ConditionedOn, l.Ordering.Order.Length, l.Cutoff,
                kept.GetValueOrDefault(l.GroupId, l.Ordering.Order.Length), l.Sigma, l.Ordering.Order,
                l.Ordering.Cumulative().Select(v => Math.Round(v, 5)).ToArray())).ToArray());
        return new PruningPlan(decisions.Concat(unmeasured));
    }

    private (CmiSampleAccumulator, IReadOnlyList<CmiLayer>, string?, double) Walk(CmiSampleAccumulator samples, IReadOnlyList<ChannelGroup> candidates, MethodContext context)
    {
        _warnings = new List<Diagnostic>();
        if (samples.Count < 2)
            throw new InfoPruneException(CmiCodes.TooFewSamples, $"method 'cmi' needs at least 2 calibration samples for its Gram matrices; the calibration pass gave {samples.Count}");
        if (samples.Count < samples.Capacity)
            _warnings.Add(new Diagnostic(CmiCodes.FewerSamples,
                $"method.samples is {samples.Capacity}, but the calibration pass gave {samples.Count} samples; cmi's Gram matrices use {samples.Count}: " +
                "raise data.calibration.samples or lower method.samples", Severity: Severity.Warning));
        var inputs = candidates.Select(g => new CmiLayerInput(g.Id, g.Name, g.Size, samples.EntriesPerChannel(g.Id), samples.Maps(g.Id))).ToList();
        var walk = new CmiLayerWalk(Parameters, samples.Labels.ToArray(), context.Threads ?? 1, context.Progress, context.Cancellation);
        var layers = walk.Walk(inputs);
        var flat = layers.Where(l => l.Ordering.Order.Length > 1 && l.Ordering.Cumulative()[^1] <= 1e-12).Select(l => $"'{l.Name}'").ToList();
        if (flat.Count > 0)
            _warnings.Add(new Diagnostic(CmiCodes.NoInformation,
                $"cmi measured no information about the labels beyond the conditioning set in {string.Join(", ", flat.Take(5))}{(flat.Count > 5 ? $" and {flat.Count - 5} more" : "")}; " +
                "those layers keep all their channels unless a budget scales them (constant activations, or conditioning \"full\" saturating: try \"compact\")",
                Severity: Severity.Warning));
        return (samples, layers, walk.Start, walk.Seconds);
    }

    /// <summary>
    /// The largest factor s such that every layer, moved along its cumulative CMI curve to keep
    /// s times the share of its CMI its cutoff keeps (the fewest channels that carry it, within
    /// the constraints), meets the budget; found by bisection. Scaling on the curve rather than
    /// on channel counts keeps a layer whose knee comes at its first channel (lenet5's conv1: 1
    /// of 6 channels, 61% of its CMI) from moving in steps of whole cutoffs.
    /// </summary>
    private static (double Scale, Dictionary<int, int> Kept) ScaleCutoffs(IReadOnlyList<ChannelGroup> candidates, IReadOnlyDictionary<int, CmiLayer> layers,
        ConstraintsPolicy constraints, Budget budget)
    {
        var curves = candidates.ToDictionary(g => g.Id, g => layers[g.Id].Ordering.Cumulative());
        Dictionary<int, int> At(double s) => candidates.ToDictionary(g => g.Id, g => constraints.Round(KeptFor(curves[g.Id], layers[g.Id].Cutoff, s), g));
        double low = 0, high = candidates.Count == 0 ? 1 : candidates.Max(g => 1 / Math.Max(Share(curves[g.Id], layers[g.Id].Cutoff), 1e-9));
        if (budget.Meets(At(high))) return (high, At(high));
        for (var step = 0; step < 50; step++)
        {
            var mid = (low + high) / 2;
            if (budget.Meets(At(mid))) low = mid; else high = mid;
        }
        return (low, At(low));
    }

    /// <summary>The share of a layer's CMI its first <paramref name="cutoff"/> channels carry (1 for a flat curve, which has no knee).</summary>
    private static double Share(double[] curve, int cutoff) => curve[^1] > 1e-12 ? Math.Clamp(curve[cutoff] / curve[^1], 0, 1) : 1;

    /// <summary>The fewest channels whose CMI reaches <paramref name="scale"/> × the share the cutoff keeps (all when that is ≥ 1).</summary>
    private static int KeptFor(double[] curve, int cutoff, double scale)
    {
        var channels = curve.Length - 1;
        var goal = scale * Share(curve, cutoff);
        if (goal >= 1 - 1e-12 || curve[^1] <= 1e-12) return channels;
        for (var k = 1; k <= channels; k++)
            if (curve[k] >= goal * curve[^1] - 1e-12) return k;
        return channels;
    }

    /// <summary>
    /// Scaling moves every layer in steps of its cutoff, so the largest factor that fits can leave
    /// much of the budget unspent (lenet5 at 50% of MACs: 39% kept, a 6-channel layer jumping
    /// from 2 to 3). The rest goes one channel (one rounding step) at a time to the layer whose
    /// next channels add the largest share of that layer's CMI, while the budget allows.
    /// </summary>
    private static (Dictionary<int, int> Kept, int Added) SpendTheRest(IReadOnlyList<ChannelGroup> candidates, IReadOnlyDictionary<int, CmiLayer> layers,
        ConstraintsPolicy constraints, Budget budget, Dictionary<int, int> kept)
    {
        var result = new Dictionary<int, int>(kept);
        var curves = candidates.ToDictionary(g => g.Id, g => layers[g.Id].Ordering.Cumulative());
        var added = 0;
        while (true)
        {
            (int Group, int Next, double Gain)? best = null;
            foreach (var group in candidates)
            {
                var now = result[group.Id];
                var next = constraints.Round(Math.Min(group.Size, now + 1), group);
                if (next <= now) continue;
                var curve = curves[group.Id];
                var total = Math.Max(curve[^1], 1e-12);
                var gain = (curve[next] - curve[now]) / total / (next - now);
                if (best is { } b && gain <= b.Gain) continue;
                var trial = new Dictionary<int, int>(result) { [group.Id] = next };
                if (budget.Meets(trial)) best = (group.Id, next, gain);
            }
            if (best is not { } chosen) return (result, added);
            added += chosen.Next - result[chosen.Group];
            result[chosen.Group] = chosen.Next;
        }
    }

    private static string Fraction(Budget budget, IReadOnlyDictionary<int, CmiLayer> layers, IReadOnlyList<ChannelGroup> candidates, ConstraintsPolicy constraints) =>
        (budget.Measure(candidates.ToDictionary(g => g.Id, g => constraints.Round(layers[g.Id].Cutoff, g))) / budget.Total).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <paramref name="count"/> channels a layer keeps: the first in CMI order, or with
    /// <see cref="CmiParameters.Magnitude"/> the best by CMI order blended with weight size.
    /// </summary>
    private int[] KeptChannels(DependencyGraph graph, ChannelGroup group, CmiOrdering ordering, int count)
    {
        if (Parameters.Magnitude == MagnitudeBlend.None) return ordering.Order.Take(count).OrderBy(i => i).ToArray();
        // The CMI order as a score: the first channel scores highest.
        var byOrder = new double[group.Size];
        for (var position = 0; position < ordering.Order.Length; position++) byOrder[ordering.Order[position]] = ordering.Order.Length - position;
        var blended = MagnitudeWeighting.Combine(Parameters.Magnitude, byOrder, MagnitudeWeighting.Norms(graph, group));
        return ChannelSelector.Ascending(blended).Skip(group.Size - count).OrderBy(i => i).ToArray();
    }

    private string Reason(CmiLayer layer, int kept, int size, int layerCount)
    {
        var curve = layer.Ordering.Cumulative();
        var given = layer.ConditionedOn.Count == 0 ? "no other layer"
            : layer.ConditionedOn.Count == 1 ? $"'{layer.ConditionedOn[0]}'" : $"{layer.ConditionedOn.Count} layers";
        return kept < size
            ? $"cmi: kept {(Parameters.Magnitude == MagnitudeBlend.None ? "the first" : "the best")} {kept} of {size} channels in CMI order" +
              (Parameters.Magnitude == MagnitudeBlend.None ? "" : $" blended with weight magnitude ({MagnitudeWeighting.Names.NameOf(Parameters.Magnitude)})") + $" ({CutoffName} cutoff at {layer.Cutoff}; they carry " +
              $"{curve[kept].ToString("0.###", CultureInfo.InvariantCulture)} of {curve[^1].ToString("0.###", CultureInfo.InvariantCulture)} bits of I(S;Y|Z)); " +
              $"visited {layer.Visit} of {layerCount}, given {given}"
            : $"cmi: kept whole ({CutoffName} cutoff at {layer.Cutoff} of {size}; visited {layer.Visit} of {layerCount}, given {given})";
    }

    private string CutoffName => CmiParameters.CutoffNames.NameOf(Parameters.Cutoff);
    private string ConditioningName => CmiParameters.ConditioningNames.NameOf(Parameters.Conditioning);
    private string OrderName => CmiParameters.OrderNames.NameOf(Parameters.Order);
}

/// <summary>
/// What the report says of a cmi plan: the settings, the visiting order, how the target was met
/// (<c>Scale</c>: the factor every cutoff was scaled by for a budget, else null), the cost (N =
/// <c>Samples</c>; <c>SampleBytes</c> held by the kept calibration maps; <c>GramBytes</c> for the
/// largest layer's Grams, built one layer at a time; <c>Seconds</c> building Grams and ordering
/// channels), and each layer's curve.
/// </summary>
public sealed record CmiReport(int Samples, double Alpha, string KernelWidth, string Conditioning, string Cutoff, string Order, string? StartLayer,
    IReadOnlyList<string> VisitingOrder, string Target, double? Scale, string HowTargetMet, long SampleBytes, long GramBytes, double Seconds,
    IReadOnlyList<CmiLayerReport> Layers);

/// <summary>One layer of <see cref="CmiReport"/>: the curve I(S_k; Y | Z), k = 0 … C, over its channel order, and the counts cut and kept.</summary>
public sealed record CmiLayerReport(string Name, int GroupId, int Visit, IReadOnlyList<string> ConditionedOn, int Channels, int Cutoff, int Kept,
    double Sigma, IReadOnlyList<int> Order, IReadOnlyList<double> Cumulative);
