using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Pruning;

/// <summary>
/// The one reading of a target that every selector and the loop share: what it counts (channels of
/// the candidate groups, MACs or parameters), how much of it may stay, and whether a set of kept
/// channel counts meets it. Written once so that no planner branches on <see cref="TargetKind"/>
/// itself. (A latency budget will be one more kind here.)
/// </summary>
public sealed class Budget
{
    private readonly CostModel _cost;
    private readonly long _candidateChannels;

    private Budget(TargetPolicy target, CostModel cost, long candidateChannels)
    {
        if (target.Kind == TargetKind.Auto)
            throw new ArgumentException("target \"auto\" has no budget: the method decides each layer's ratio itself", nameof(target));
        Target = target;
        _cost = cost;
        _candidateChannels = candidateChannels;
        Goal = target.Fraction * Total;
    }

    /// <summary>The budget of <paramref name="target"/> on <paramref name="graph"/>, a ratio counting the channels of <paramref name="candidates"/>.</summary>
    public static Budget For(TargetPolicy target, DependencyGraph graph, IEnumerable<ChannelGroup> candidates) =>
        new(target, new CostModel(graph), candidates.Sum(g => (long)g.Size));

    /// <summary>The budget of <paramref name="target"/> against an existing cost model (MACs and parameter targets only need that).</summary>
    public static Budget For(TargetPolicy target, CostModel cost, IEnumerable<ChannelGroup> candidates) =>
        new(target, cost, candidates.Sum(g => (long)g.Size));

    public TargetPolicy Target { get; }
    public TargetKind Kind => Target.Kind;

    /// <summary>What the unpruned model has of the counted quantity.</summary>
    public double Total => Kind switch
    {
        TargetKind.Macs => _cost.OriginalMacs,
        TargetKind.Params => _cost.OriginalParams,
        _ => _candidateChannels,
    };

    /// <summary>How much of the counted quantity may stay.</summary>
    public double Goal { get; }

    /// <summary>The counted quantity a plan keeping <paramref name="kept"/> channels per group would have.</summary>
    public double Measure(IReadOnlyDictionary<int, int> kept)
    {
        if (Kind == TargetKind.Ratio) return kept.Values.Sum(v => (long)v);
        var (parameters, macs) = _cost.Cost(kept);
        return Kind == TargetKind.Macs ? macs : parameters;
    }

    /// <summary>True when keeping <paramref name="kept"/> stays within the budget.</summary>
    public bool Meets(IReadOnlyDictionary<int, int> kept) => Measure(kept) <= Goal + (Kind == TargetKind.Ratio ? 1e-9 : 0);

    /// <summary>What a whole model has of <paramref name="kind"/>'s quantity (MACs or parameters).</summary>
    public static long ModelTotal(CostModel model, TargetKind kind) => kind switch
    {
        TargetKind.Macs => model.OriginalMacs,
        TargetKind.Params => model.OriginalParams,
        _ => throw new ArgumentException("a ratio target counts channels per group, not a model total", nameof(kind)),
    };

    /// <summary>The words for what <paramref name="kind"/> counts, for messages.</summary>
    public static string Describe(TargetKind kind) => kind switch
    {
        TargetKind.Macs => "MACs",
        TargetKind.Params => "parameters",
        _ => "channels",
    };
}
