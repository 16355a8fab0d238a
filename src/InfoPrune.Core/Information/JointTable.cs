namespace InfoPrune.Core.Information;

/// <summary>
/// One unit's joint counts n(t, y): <see cref="Levels"/> rows (quantized output t) by
/// <see cref="Classes"/> columns (label y), row-major. A view; it owns nothing.
/// </summary>
public readonly ref struct JointTable
{
    /// <summary>Wraps <paramref name="counts"/> ([levels × classes], row-major, non-negative).</summary>
    public JointTable(ReadOnlySpan<long> counts, int levels, int classes)
    {
        if (levels < 1) throw new ArgumentOutOfRangeException(nameof(levels));
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes));
        if (counts.Length != levels * classes)
            throw new ArgumentException($"counts length {counts.Length} is not {levels} × {classes}", nameof(counts));
        Counts = counts;
        Levels = levels;
        Classes = classes;
    }

    /// <summary>The counts, [levels × classes] row-major.</summary>
    public ReadOnlySpan<long> Counts { get; }
    /// <summary>|T|, the number of quantization levels.</summary>
    public int Levels { get; }
    /// <summary>C, the number of classes.</summary>
    public int Classes { get; }

    /// <summary>n(t, y).</summary>
    public long this[int level, int label] => Counts[level * Classes + label];

    /// <summary>N, the number of samples counted.</summary>
    public long Total
    {
        get
        {
            long n = 0;
            foreach (var c in Counts) n += c;
            return n;
        }
    }
}
