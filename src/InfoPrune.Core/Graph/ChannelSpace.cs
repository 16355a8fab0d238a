namespace InfoPrune.Core.Graph;

/// <summary>
/// How the channel axis of one value is made of groups: a sequence of segments, each a whole
/// group whose channels each span <see cref="ChannelSegment.Block"/> consecutive entries.
/// A conv output is one segment; a Concat output several; a Flatten output one segment with
/// Block = H·W.
/// </summary>
public sealed class ChannelSpace
{
    public IReadOnlyList<ChannelSegment> Segments { get; }

    public ChannelSpace(IReadOnlyList<ChannelSegment> segments) => Segments = segments;

    public static ChannelSpace Of(ChannelGroup group) => new(new[] { new ChannelSegment(group, 1) });

    /// <summary>Number of entries along the axis.</summary>
    public long Width => Segments.Sum(s => s.Group.Size * s.Block);

    /// <summary>The same groups with each channel spanning <paramref name="factor"/> times more entries.</summary>
    public ChannelSpace Expand(long factor) => new(Segments.Select(s => s with { Block = s.Block * factor }).ToArray());

    public static ChannelSpace Concat(IEnumerable<ChannelSpace> spaces) => new(spaces.SelectMany(s => s.Segments).ToArray());

    /// <summary>The current representative groups (after couplings).</summary>
    public IEnumerable<ChannelGroup> Groups => Segments.Select(s => s.Group.Root()).Distinct();
}

/// <summary>A whole group inside a space; each of its channels spans Block entries.</summary>
public sealed record ChannelSegment(ChannelGroup Group, long Block);
