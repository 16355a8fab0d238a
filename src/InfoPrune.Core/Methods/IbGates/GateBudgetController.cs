using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Methods.IbGates;

/// <summary>One reading of the controller: the step, γ′ from then on, and the share of the budget's quantity the open gates keep.</summary>
/// <param name="Step">Optimizer steps of gate training done.</param>
/// <param name="Gamma">γ′ used from this step on.</param>
/// <param name="KeptFraction">MACs (or parameters) the sets above the threshold keep, as a fraction of the unpruned model's.</param>
/// <param name="Goal">The fraction the controller aimed at by this step.</param>
public sealed record GammaReading(long Step, double Gamma, double KeptFraction, double Goal);

/// <summary>
/// Adapts γ′ while the gates train, so that under a MACs or parameter budget the sets still above
/// the threshold at the end of gate training are about what the budget keeps.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> With one fixed γ′ the gates close as many sets as the trade-off against the
/// task loss makes them close, which has nothing to do with the budget. On resnet20 at 8% of the
/// MACs a fixed γ′ = 0.1 left the budget's cut far from the gates' own threshold (log(1 + μ²/σ²)
/// 0.04 against ln 2): the cut then removed or kept sets the training had not decided on, and the
/// fine-tuning had to repair it. A controlled γ′ makes the training itself reach the budget, so
/// the cut removes sets the network has already learnt to do without.</para>
/// <para><b>How.</b> Every <see cref="Interval"/> steps the controller reads each set's
/// log(1 + μ²/σ²), keeps in each group the sets above the threshold (at least the group's
/// minimum, every set of an excluded group) and measures the kept MACs or parameters with the
/// engine's cost model. The goal falls linearly from the whole model to the budget over the first
/// <see cref="RampShare"/> of the steps, then holds, so the weights adapt while sets close. γ′ is
/// multiplied by <see cref="Factor"/> when the open sets keep more than the goal and divided by
/// it otherwise: a multiplicative search, since the right γ′ spans orders of magnitude between
/// networks. It stays within [<see cref="MinimumGamma"/>, <see cref="MaximumGamma"/>].</para>
/// </remarks>
public sealed class GateBudgetController
{
    /// <summary>Steps between readings: reading the gates costs a copy of every μ and σ to the host.</summary>
    public const int Interval = 10;

    /// <summary>γ′'s change per reading: at most ×2.6 per 100 steps, slow enough for the gates (Adam, lr 0.02) to follow.</summary>
    public const double Factor = 1.1;

    /// <summary>The share of gate training over which the goal falls to the budget; the rest holds it so the weights settle.</summary>
    public const double RampShare = 0.6;

    public const double MinimumGamma = 1e-4;
    public const double MaximumGamma = 1e3;

    private readonly DependencyGraph _graph;
    private readonly ConstraintsPolicy _constraints;
    private readonly Budget _budget;
    private readonly double _threshold;
    private readonly long _totalSteps;
    private readonly List<GammaReading> _readings = new();

    /// <param name="graph">The graph the gates were placed on.</param>
    /// <param name="target">A MACs or parameter budget.</param>
    /// <param name="constraints">The policy's constraints (minimum widths, exclusions).</param>
    /// <param name="threshold">The log(1 + μ²/σ²) below which a set counts as closed.</param>
    /// <param name="initialGamma">γ′ at the first step.</param>
    /// <param name="totalSteps">The optimizer steps gate training will take.</param>
    public GateBudgetController(DependencyGraph graph, TargetPolicy target, ConstraintsPolicy constraints,
        double threshold, double initialGamma, long totalSteps)
    {
        if (target.Kind is not (TargetKind.Macs or TargetKind.Params))
            throw new ArgumentException($"γ′ follows a MACs or parameter budget, not {target}", nameof(target));
        _graph = graph;
        _constraints = constraints;
        _budget = Budget.For(target, graph, graph.PrunableGroups);
        _threshold = threshold;
        _totalSteps = Math.Max(1, totalSteps);
        Gamma = Math.Clamp(initialGamma, MinimumGamma, MaximumGamma);
    }

    /// <summary>γ′ for the next steps.</summary>
    public double Gamma { get; private set; }

    /// <summary>Every reading so far, in order.</summary>
    public IReadOnlyList<GammaReading> Readings => _readings;

    /// <summary>True when <paramref name="step"/> (steps done) is a step to read the gates at.</summary>
    public static bool ReadsAt(long step) => step > 0 && step % Interval == 0;

    /// <summary>The fraction of the budget's quantity the controller aims at after <paramref name="step"/> steps.</summary>
    public double Goal(long step)
    {
        var progress = Math.Min(1.0, step / (RampShare * _totalSteps));
        return 1 - (1 - _budget.Target.Fraction) * progress;
    }

    /// <summary>The MACs or parameters kept (fraction of the unpruned model's) by the sets scoring at least the threshold.</summary>
    public double KeptFraction(IReadOnlyDictionary<string, (double[] Mean, double[] Score)> gates)
    {
        var kept = new Dictionary<int, int>();
        foreach (var group in _graph.PrunableGroups)
        {
            if (_constraints.Excludes(group.Producers) || !gates.TryGetValue(group.Name, out var gate) || gate.Score.Length != group.Size)
                continue;
            var open = gate.Score.Count(s => s >= _threshold);
            kept[group.Id] = Math.Min(group.Size, Math.Max(open, _constraints.MinimumKept(group)));
        }
        return _budget.Measure(kept) / _budget.Total;
    }

    /// <summary>Takes one reading after <paramref name="step"/> steps and moves γ′ towards the goal.</summary>
    public void Observe(long step, IReadOnlyDictionary<string, (double[] Mean, double[] Score)> gates)
    {
        var kept = KeptFraction(gates);
        var goal = Goal(step);
        Gamma = Math.Clamp(kept > goal ? Gamma * Factor : Gamma / Factor, MinimumGamma, MaximumGamma);
        _readings.Add(new GammaReading(step, Gamma, kept, goal));
    }
}
