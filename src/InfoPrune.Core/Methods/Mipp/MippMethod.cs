using System.Diagnostics;
using System.Globalization;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>
/// Mutual-information-preserving pruning (the MIPP paper): layers are pruned from the output back
/// to the input; each keeps only the units the next, already pruned layer cannot be reconstructed
/// without (<see cref="LayerSelection"/>). Every layer's ratio emerges from that test at confidence
/// α; a layer never loses its last unit. With a MACs, parameter or ratio budget, α is searched
/// until the plan meets it.
/// </summary>
public sealed class MippMethod : IPruningMethod
{
    /// <summary>Fewest calibration samples that leave a held-out quarter worth judging a loss on.</summary>
    private const int MinimumSamples = 16;

    /// <summary>Plans tried at most while searching α for a budget.</summary>
    private const int SearchTries = 5;

    /// <summary>A plan that meets the budget and keeps at least this share of it ends the α search.</summary>
    private const double CloseEnough = 0.9;

    public MippMethod(MippParameters? parameters = null) => Parameters = parameters ?? new MippParameters();

    internal static MethodDefinition Definition { get; } = new("mipp", "Methods/Mipp/mipp.schema.json", MippParameters.Parse,
        parameters => new MippMethod(parameters as MippParameters
            ?? throw new ArgumentException($"{parameters.GetType().Name} are not mipp's parameters", nameof(parameters))),
        DecidesRatios: true);

    public MippParameters Parameters { get; }

    /// <inheritdoc />
    public string Name => "mipp";

    /// <summary>The α of the last plan (the policy's, or the one the budget search chose).</summary>
    public double? ChosenAlpha { get; private set; }

    /// <summary>What the last plan found per group, by group id.</summary>
    internal IReadOnlyDictionary<int, LayerOutcome> LastOutcomes { get; private set; } = new Dictionary<int, LayerOutcome>();

    /// <inheritdoc />
    public IReadOnlyList<IBatchAccumulator> Accumulators(DependencyGraph graph) =>
        [new ActivationSample(graph, Parameters.Collapse, Parameters.Samples)];

    /// <inheritdoc />
    public PruningPlan Plan(DependencyGraph graph, MethodContext context, TargetPolicy target, ConstraintsPolicy constraints)
    {
        var sample = context.Accumulators.OfType<ActivationSample>().FirstOrDefault()
            ?? throw new InfoPruneException(MippCodes.NoSample, "mipp needs the activation sample of the calibration pass; run the Measure step before planning");
        if (sample.Count < MinimumSamples)
            throw new InfoPruneException(MippCodes.TooFewSamples,
                $"mipp fits its predictors on calibration samples, but the calibration data gave only {sample.Count}; give data.calibration.samples at least {MinimumSamples} (512 or more is better)");
        var candidates = graph.PrunableGroups
            .Where(g => sample.Units(g.Id) != null && !constraints.Excludes(g.Producers))
            .OrderByDescending(g => g.Id) // group ids follow graph order: descending is from the output back
            .ToArray();
        if (candidates.Length == 0)
            throw new InfoPruneException(MippCodes.NothingToPrune,
                "mipp found no prunable channel group whose activations it can read (all are frozen, excluded, or have no traced value)");

        // libtorch's thread count is per calling thread (OpenMP): set it where the predictors train,
        // so the same seed and thread count give the same floating-point sums, hence the same plan.
        if (context.Threads is { } threads) Execution.DeviceChoice.UseThreads(threads);
        using var fits = new FitCache();
        if (target.Kind == TargetKind.Auto)
            return Finish(Run(graph, sample, candidates, Parameters.Alpha, constraints, context, fits), Parameters.Alpha, null);

        var budget = Budget.For(target, graph, candidates);
        var tries = new List<(double Alpha, double Fraction, Dictionary<int, LayerOutcome> Outcomes)>();
        (double Alpha, Dictionary<int, LayerOutcome> Outcomes)? best = null, strictest = null;
        // Bisection on logit(α): the test's confidence bound moves smoothly there, and α near 1 stays reachable.
        double low = -3, high = 9.2, logit = Math.Log(Parameters.Alpha / (1 - Parameters.Alpha));
        for (var attempt = 0; attempt < SearchTries; attempt++)
        {
            var alpha = 1 / (1 + Math.Exp(-logit));
            var outcomes = Run(graph, sample, candidates, alpha, constraints, context, fits);
            var kept = outcomes.ToDictionary(o => o.Key, o => o.Value.Keep.Length);
            var measure = budget.Measure(kept);
            tries.Add((alpha, measure / budget.Total, outcomes));
            if (budget.Meets(kept))
            {
                if (best is null || alpha < best.Value.Alpha) best = (alpha, outcomes);
                // Within a tenth of the budget is as close as α's steps usefully get; each further plan costs as much as this one.
                if (measure >= CloseEnough * budget.Goal) break;
                high = logit;
            }
            else
            {
                if (strictest is null || alpha > strictest.Value.Alpha) strictest = (alpha, outcomes);
                low = logit;
            }
            logit = (low + high) / 2;
        }
        var chosen = best ?? strictest!.Value;
        var search = $"α searched for {target}: " + string.Join(", ", tries.Select(t =>
            $"{t.Alpha.ToString("0.####", CultureInfo.InvariantCulture)} → {t.Fraction.ToString("0.###", CultureInfo.InvariantCulture)}"))
            + (best is null ? "; no α met the budget, the strictest is used" : "");
        var filled = best is null ? null
            : FillBudget(chosen.Outcomes, strictest is { } below && below.Alpha < chosen.Alpha ? below.Outcomes : null, candidates, budget, constraints);
        return Finish(chosen.Outcomes, chosen.Alpha, search, filled);

        PruningPlan Finish(Dictionary<int, LayerOutcome> outcomes, double alpha, string? searchNote, Dictionary<int, int>? counts = null)
        {
            ChosenAlpha = alpha;
            LastOutcomes = outcomes;
            var decisions = candidates.Select(g =>
            {
                var outcome = outcomes[g.Id];
                var count = counts?.GetValueOrDefault(g.Id, outcome.Keep.Length) ?? outcome.Keep.Length;
                var keep = RoundUp(outcome, constraints.Round(count, g), g.Size);
                return new GroupDecision(g.Id, keep, Reason(outcome, keep.Length, g.Size, alpha, searchNote));
            });
            return new PruningPlan(decisions);
        }
    }

    /// <summary>MIPP from the output back at confidence <paramref name="alpha"/>: each candidate's outcome, by group id.</summary>
    private Dictionary<int, LayerOutcome> Run(DependencyGraph graph, ActivationSample sample, ChannelGroup[] candidates, double alpha,
        ConstraintsPolicy constraints, MethodContext context, FitCache fits)
    {
        var outcomes = new Dictionary<int, LayerOutcome>();
        var alphaText = alpha.ToString("0.####", CultureInfo.InvariantCulture);
        for (var i = 0; i < candidates.Length; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var group = candidates[i];
            context.Progress?.Report($"mipp α {alphaText}: layer {i + 1} of {candidates.Length}, '{group.Name}' ({group.Size} units)");
            var (target, targetWidth, key) = Target(graph, sample, group, outcomes);
            var seed = unchecked(context.Seed * 7919 + group.Id);
            var fitted = fits.Get(key, () => LayerSelection.Fit(sample.Units(group.Id)!, group.Size, target, targetWidth, Parameters, seed, context.Cancellation));
            var minimum = constraints.MinimumKept(group);
            outcomes[group.Id] = fitted is null
                ? Constant(group, minimum)
                : LayerSelection.Select(fitted, Parameters, alpha, minimum, seed, context.Cancellation);
        }
        return outcomes;
    }

    /// <summary>
    /// What a group's units must preserve: the kept units of every layer reading them (already
    /// decided when that layer lies closer to the output; all its units inside a residual loop,
    /// where the reader may come first), or the model output when no sampled layer reads them.
    /// </summary>
    private static (float[] Values, int Width, string Key) Target(DependencyGraph graph, ActivationSample sample, ChannelGroup group,
        IReadOnlyDictionary<int, LayerOutcome> decided)
    {
        var readers = group.Members.Where(m => m.Role == MemberRole.Consumer).Select(m => m.Node).ToHashSet(StringComparer.Ordinal);
        var next = graph.Groups.Where(h => h.Id != group.Id && h.Producers.Any(readers.Contains) && sample.Units(h.Id) != null).ToArray();
        if (next.Length == 0)
            return (sample.Output(), sample.OutputWidth, $"{group.Id}<-output");
        var columns = next.Select(h => (Values: sample.Units(h.Id)!, h.Size,
            Keep: decided.TryGetValue(h.Id, out var o) ? o.Keep : Enumerable.Range(0, h.Size).ToArray())).ToArray();
        var width = columns.Sum(c => c.Keep.Length);
        var values = new float[sample.Count * width];
        for (var row = 0; row < sample.Count; row++)
        {
            var at = row * width;
            foreach (var (source, size, keep) in columns)
                foreach (var unit in keep) values[at++] = source[row * size + unit];
        }
        var key = $"{group.Id}<-" + string.Join(";", next.Select((h, i) => $"{h.Id}:{string.Join(",", columns[i].Keep)}"));
        return (values, width, key);
    }

    /// <summary>A layer whose target never varies on the sample: nothing to preserve, so it keeps only its minimum.</summary>
    private static LayerOutcome Constant(ChannelGroup group, int minimum) =>
        new(Enumerable.Range(0, Math.Max(1, minimum)).ToArray(), Enumerable.Range(Math.Max(1, minimum), group.Size - Math.Max(1, minimum)).ToArray(),
            Array.Empty<double>(), Array.Empty<double>(), 0, 0, 0, Enumerable.Range(0, group.Size).ToArray());

    /// <summary>
    /// Kept counts that use what the budget leaves after the plan at the chosen α: α moves the
    /// test for every layer at once, and the removals cascade (each compares with a baseline that
    /// already lacks the units removed before), so the nearest α that meets a budget can undershoot
    /// it by far. Each layer's count moves from the meeting plan's (<paramref name="meeting"/>)
    /// towards the nearest α that did not meet the budget (<paramref name="missing"/>; every unit
    /// when none was tried), by the same share for all layers, as far as the budget allows: the
    /// layer shape between the two α. What that leaves is then given unit by unit.
    /// </summary>
    private static Dictionary<int, int> FillBudget(Dictionary<int, LayerOutcome> meeting, Dictionary<int, LayerOutcome>? missing,
        ChannelGroup[] candidates, Budget budget, ConstraintsPolicy constraints)
    {
        var groups = candidates.ToDictionary(g => g.Id);
        Dictionary<int, int> At(double share) => meeting.ToDictionary(o => o.Key, o =>
        {
            var low = o.Value.Keep.Length;
            var high = Math.Max(low, missing?[o.Key].Keep.Length ?? groups[o.Key].Size);
            return low + (int)Math.Floor(share * (high - low) + 1e-9);
        });
        bool Fits(Dictionary<int, int> counts) => budget.Meets(counts.ToDictionary(e => e.Key, e => constraints.Round(e.Value, groups[e.Key])));
        double fits = 0, fails = 1;
        if (Fits(At(1))) return At(1);
        for (var i = 0; i < 30; i++)
        {
            var mid = (fits + fails) / 2;
            if (Fits(At(mid))) fits = mid; else fails = mid;
        }
        return TopUp(At(fits));

        // One shared share stops where the first layer's next unit would break the budget, and the
        // others may still have room (on lenet5 at 25% of MACs it stopped at 19.2%): give it unit by
        // unit, to the layer least far along its way from the meeting plan to the missing one first.
        Dictionary<int, int> TopUp(Dictionary<int, int> counts)
        {
            double Progress(int id)
            {
                var low = meeting[id].Keep.Length;
                var high = Math.Max(low, missing?[id].Keep.Length ?? groups[id].Size);
                return high > low ? (double)(counts[id] - low) / (high - low) : 1 + (double)counts[id] / groups[id].Size;
            }
            for (var grew = true; grew;)
            {
                grew = false;
                foreach (var id in counts.Keys.OrderBy(Progress).ThenBy(id => id).ToArray())
                {
                    if (counts[id] >= groups[id].Size) continue;
                    var trial = new Dictionary<int, int>(counts) { [id] = counts[id] + 1 };
                    if (!Fits(trial)) continue;
                    counts = trial;
                    grew = true;
                    break; // the order changes with every unit given
                }
            }
            return counts;
        }
    }

    /// <summary>The kept units, plus the last-removed (most informative of the removed) until <paramref name="count"/> are kept.</summary>
    private static int[] RoundUp(LayerOutcome outcome, int count, int size)
    {
        var keep = outcome.Keep.ToHashSet();
        foreach (var unit in outcome.Removed.Reverse())
        {
            if (keep.Count >= Math.Min(count, size)) break;
            keep.Add(unit);
        }
        return keep.Order().ToArray();
    }

    private static string Reason(LayerOutcome outcome, int kept, int size, double alpha, string? search)
    {
        static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        var text = $"mipp α {F(alpha)}: kept {kept} of {size} ({F(1 - (double)kept / size)} pruned); " +
            $"{outcome.Removed.Length} removed as the predictor's loss recovered without them" +
            (outcome.RemovedIncrease.Length > 0 ? $" (mean loss change {F(outcome.RemovedIncrease.Average())})" : "") +
            $", {outcome.KeptIncrease.Length} kept as it did not" +
            (outcome.KeptIncrease.Length > 0 ? $" (mean loss change +{F(outcome.KeptIncrease.Average())})" : "") +
            (outcome.Untested > 0 ? $", {outcome.Untested} kept untested (most informative, or the layer at its minimum)" : "") +
            $"; held-out reconstruction loss {F(outcome.FitLoss)} with every unit, {F(outcome.FinalLoss)} with the kept ones" +
            (kept > outcome.Keep.Length ? $"; {kept - outcome.Keep.Length} removed units added back (to fill the budget or by roundTo)" : "");
        return search is null ? text : text + "; " + search;
    }

    /// <summary>First fits by layer and target, shared by the plans a budget search tries.</summary>
    private sealed class FitCache : IDisposable
    {
        private readonly Dictionary<string, LayerSelection.FittedLayer?> _fits = new(StringComparer.Ordinal);

        public LayerSelection.FittedLayer? Get(string key, Func<LayerSelection.FittedLayer?> fit) =>
            _fits.TryGetValue(key, out var existing) ? existing : _fits[key] = fit();

        public void Dispose()
        {
            foreach (var fit in _fits.Values) fit?.Dispose();
        }
    }
}
