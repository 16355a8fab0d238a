namespace InfoPrune.Core.Pruning;

/// <summary>What the pruned model must reach.</summary>
public abstract record PruningTarget
{
    /// <summary>Keep this fraction of the channels of every prunable group.</summary>
    public sealed record UniformRatio(double Keep) : PruningTarget;

    /// <summary>Keep at most this fraction of the model's MACs (or parameters).</summary>
    public sealed record Budget(BudgetKind Kind, double Keep) : PruningTarget;
}

public enum BudgetKind { Macs, Params }

/// <summary>Limits every plan respects, whatever the method says.</summary>
public sealed record PruningConstraints
{
    /// <summary>A group never keeps fewer channels than this (a layer never collapses).</summary>
    public int MinChannels { get; init; } = 1;
    /// <summary>At most this fraction of a group's channels is removed.</summary>
    public double MaxRatio { get; init; } = 0.9;
    /// <summary>Node names or /regex/ patterns; groups produced by a matching node are not pruned.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = Array.Empty<string>();
    /// <summary>Kept counts are rounded up to a multiple of this (hardware-friendly widths).</summary>
    public int RoundTo { get; init; } = 1;

    /// <summary>The smallest number of channels a group of <paramref name="size"/> may keep.</summary>
    public int MinimumKept(int size)
    {
        var byRatio = (int)Math.Ceiling(size * (1 - MaxRatio) - 1e-9);
        return Math.Min(size, Math.Max(Math.Max(MinChannels, 1), byRatio));
    }

    /// <summary>A kept count rounded up to the multiple, never above the group size nor below the minimum.</summary>
    public int Round(int kept, int size)
    {
        var rounded = RoundTo <= 1 ? kept : (int)Math.Ceiling(kept / (double)RoundTo) * RoundTo;
        return Math.Min(size, Math.Max(MinimumKept(size), rounded));
    }

    public bool Excludes(string producer)
    {
        foreach (var pattern in Exclude)
        {
            if (pattern.Length > 2 && pattern.StartsWith('/') && pattern.EndsWith('/'))
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(producer, pattern[1..^1])) return true;
            }
            else if (producer == pattern) return true;
        }
        return false;
    }
}
