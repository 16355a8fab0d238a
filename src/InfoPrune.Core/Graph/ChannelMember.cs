namespace InfoPrune.Core.Graph;

/// <summary>The part a sliced tensor plays for its group.</summary>
public enum MemberRole
{
    /// <summary>Output side of a layer that creates the channels (Conv/Gemm weight rows, their bias).</summary>
    Producer,
    /// <summary>A per-channel parameter riding on the channels (BatchNorm scale/bias/stats, PRelu slope, an added constant).</summary>
    PerChannel,
    /// <summary>Input side of a layer that reads the channels (next Conv's input channels, Gemm's input features).</summary>
    Consumer,
}

/// <summary>
/// One slice of one initializer that belongs to a group: channel i of the group owns the indices
/// [Offset + i·Block, Offset + (i+1)·Block) along <see cref="Axis"/>. Block > 1 when a channel
/// maps to several entries (a Flatten turns one channel into H·W Gemm inputs; a depthwise
/// multiplier turns one into several filters).
/// </summary>
public sealed record ChannelMember(string Initializer, int Axis, long Offset, long Block, MemberRole Role, string Node, string? ConsumedValue = null)
{
    /// <summary>
    /// Which of the group's channels (0..<paramref name="groupSize"/>-1) owns element
    /// <paramref name="flatIndex"/> of the initializer (row-major, <paramref name="shape"/>), or -1
    /// when the element lies outside this member's slice.
    /// </summary>
    public int ChannelOf(long flatIndex, IReadOnlyList<long> shape, int groupSize)
    {
        long inner = 1;
        for (var d = Axis + 1; d < shape.Count; d++) inner *= shape[d];
        var relative = flatIndex / inner % shape[Axis] - Offset;
        return relative < 0 || relative >= groupSize * Block ? -1 : (int)(relative / Block);
    }

    public override string ToString() => $"{Node}:{Initializer}[axis {Axis}, offset {Offset}, block {Block}, {Role}]";
}

/// <summary>Where a channel count lives outside the sliced tensors.</summary>
public enum CountEditKind
{
    /// <summary>An integer attribute of a node (a depthwise Conv's `group`).</summary>
    IntAttribute,
    /// <summary>One element of an int64 initializer (a literal width in a Reshape's shape).</summary>
    InitializerElement,
    /// <summary>One element of a Constant node's `value` tensor (the same, as PyTorch often exports it).</summary>
    ConstantElement,
}

/// <summary>
/// An attribute or shape constant whose value is a channel count of a space, rewritten after
/// pruning. <see cref="Target"/> is the attribute name or the initializer name.
/// </summary>
public sealed record CountEdit(CountEditKind Kind, string Node, string Target, int Position, ChannelSpace Space)
{
    public override string ToString() => Kind switch
    {
        CountEditKind.IntAttribute => $"{Node}.{Target}",
        CountEditKind.InitializerElement => $"{Node}:{Target}[{Position}]",
        _ => $"{Node}.value[{Position}]",
    };
}
