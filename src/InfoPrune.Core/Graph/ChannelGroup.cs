namespace InfoPrune.Core.Graph;

/// <summary>
/// A set of channels that can only be removed together: channel i of the group is the i-th
/// output channel of every producing layer coupled into it (residual branches share one group),
/// together with every slice of every tensor indexed by that channel (the BN after it, the next
/// layer's input weights, …). Removing channel i removes all of those slices at once.
/// </summary>
public sealed class ChannelGroup
{
    internal ChannelGroup? Parent;          // union-find link; null for a representative
    private readonly List<ChannelMember> _members = new();
    private readonly List<string> _frozenReasons = new();
    private readonly List<string> _producers = new();

    internal ChannelGroup(int id, int size, string producer)
    {
        Id = id;
        Size = size;
        _producers.Add(producer);
    }

    /// <summary>Stable number within one analysis (order of creation in graph order).</summary>
    public int Id { get; internal set; }
    /// <summary>Number of channels.</summary>
    public int Size { get; }
    /// <summary>The nodes whose outputs create these channels (several when branches are coupled).</summary>
    public IReadOnlyList<string> Producers => _producers;
    public IReadOnlyList<ChannelMember> Members => _members;
    /// <summary>Why the group cannot be pruned; empty when it can.</summary>
    public IReadOnlyList<string> FrozenReasons => _frozenReasons;
    public bool IsPrunable => _frozenReasons.Count == 0;
    /// <summary>Values (tensors) whose channel axis is, or contains, this group.</summary>
    public IReadOnlyCollection<string> Values => _values;
    private readonly SortedSet<string> _values = new(StringComparer.Ordinal);

    /// <summary>A readable name: the first producer, plus how many were coupled.</summary>
    public string Name => _producers.Count == 1 ? _producers[0] : $"{_producers[0]} (+{_producers.Count - 1} coupled)";

    internal ChannelGroup Root()
    {
        var g = this;
        while (g.Parent != null) g = g.Parent;
        return g;
    }

    internal void AddMember(ChannelMember member)
    {
        if (!_members.Contains(member)) _members.Add(member);
    }

    internal void Freeze(string reason)
    {
        if (!_frozenReasons.Contains(reason)) _frozenReasons.Add(reason);
    }

    internal void AddValue(string value) => _values.Add(value);

    /// <summary>Folds <paramref name="other"/> into this group (residual coupling).</summary>
    internal void Absorb(ChannelGroup other)
    {
        foreach (var m in other._members) AddMember(m);
        foreach (var r in other._frozenReasons) Freeze(r);
        foreach (var p in other._producers) if (!_producers.Contains(p)) _producers.Add(p);
        foreach (var v in other._values) _values.Add(v);
        other.Parent = this;
    }

    public override string ToString() => $"group {Id} '{Name}' ({Size} channels{(IsPrunable ? "" : ", frozen: " + string.Join("; ", _frozenReasons))})";
}
