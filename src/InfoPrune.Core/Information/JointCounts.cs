using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// Streamed joint frequencies of (quantized unit output, class) for many units at once: the
/// counts behind the paper's empirical distribution P_{Y,T}(c, t) (eq. 2). One table per unit of
/// [levels × classes] counts; memory O(units × levels × classes), independent of N; each sample
/// costs one quantization and one increment per unit (O(N) per unit, Appendix B.4).
/// Quantizers are fixed up front (see <see cref="QuantizerFitting"/>), so batches may arrive in
/// any split and the result equals one pass over all samples.
/// </summary>
public sealed class JointCounts
{
    private readonly long[] _counts;
    private readonly float[] _edges;        // every unit's edges, concatenated
    private readonly int[] _edgeStart;      // unit u's edges are _edges[_edgeStart[u] .. _edgeStart[u+1])
    private readonly float[]? _thresholds;  // set when every unit is one-bit: the hot loop is one compare

    /// <summary>Counts for units quantized by <paramref name="quantizers"/> (one per unit) over <paramref name="classCount"/> classes.</summary>
    public JointCounts(IReadOnlyList<Quantizer> quantizers, int classCount)
    {
        ArgumentNullException.ThrowIfNull(quantizers);
        if (quantizers.Count == 0) throw new ArgumentException("at least one unit is required", nameof(quantizers));
        if (classCount <= 0)
            throw new InfoPruneException(InformationErrors.InvalidClassCount, $"The class count must be positive (got {classCount}).");

        Units = quantizers.Count;
        Classes = classCount;
        _edgeStart = new int[Units + 1];
        int levels = 0, totalEdges = 0;
        bool allOneBit = true;
        for (int u = 0; u < Units; u++)
        {
            var q = quantizers[u] ?? throw new ArgumentException($"quantizer {u} is null", nameof(quantizers));
            levels = Math.Max(levels, q.Levels);
            allOneBit &= q.Levels == 2;
            _edgeStart[u] = totalEdges;
            totalEdges += q.Edges.Length;
        }
        _edgeStart[Units] = totalEdges;
        _edges = new float[totalEdges];
        for (int u = 0; u < Units; u++) quantizers[u].Edges.CopyTo(_edges.AsSpan(_edgeStart[u]));
        if (allOneBit) _thresholds = _edges;

        // Units with fewer levels than the widest simply leave their top rows empty (0·log 0 = 0).
        Levels = levels;
        _counts = new long[checked(Units * Levels * Classes)];
    }

    /// <summary>Counts for one table given directly ([levels × classes], row-major): for tests and for merging external counts.</summary>
    public static JointCounts FromTable(ReadOnlySpan<long> table, int levels, int classCount)
    {
        if (levels < 1) throw new ArgumentOutOfRangeException(nameof(levels));
        if (table.Length != levels * classCount)
            throw new ArgumentException($"table length {table.Length} is not {levels} × {classCount}", nameof(table));
        var edges = new float[levels - 1];
        for (int i = 0; i < edges.Length; i++) edges[i] = i;
        var counts = new JointCounts(new Quantizer[] { new TableQuantizer(edges) }, classCount);
        foreach (var c in table)
            if (c < 0) throw new ArgumentException("counts must be non-negative", nameof(table));
        table.CopyTo(counts._counts);
        long n = 0;
        foreach (var c in table) n += c;
        counts.SampleCount = n;
        return counts;
    }

    /// <summary>Number of units (columns of the value matrix).</summary>
    public int Units { get; }
    /// <summary>Number of quantization levels |T| per table (the widest quantizer's).</summary>
    public int Levels { get; }
    /// <summary>Number of classes C.</summary>
    public int Classes { get; }
    /// <summary>Samples added so far (N).</summary>
    public long SampleCount { get; private set; }

    /// <summary>
    /// Adds a batch: <paramref name="values"/> is [batch, units] row-major (one row per sample),
    /// <paramref name="labels"/> the batch's classes. The batch is checked before anything is counted,
    /// so a refused batch leaves the counts unchanged.
    /// </summary>
    public void Add(ReadOnlySpan<float> values, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        if (values.Length != batch * Units)
            throw new ArgumentException($"values length {values.Length} is not batch {batch} × units {Units}", nameof(values));
        for (int r = 0; r < batch; r++)
            if ((uint)labels[r] >= (uint)Classes)
                throw new InfoPruneException(InformationErrors.LabelOutOfRange, $"Label {labels[r]} at batch row {r} is outside [0, {Classes}).");
        for (int i = 0; i < values.Length; i++)
            if (float.IsNaN(values[i]))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, $"Activation of unit {i % Units} at batch row {i / Units} is NaN.");

        var counts = _counts.AsSpan();
        int classes = Classes, levels = Levels, units = Units;
        if (_thresholds is { } thresholds)
        {
            for (int r = 0; r < batch; r++)
            {
                var row = values.Slice(r * units, units);
                int y = labels[r];
                for (int u = 0; u < row.Length; u++)
                {
                    int level = row[u] > thresholds[u] ? 1 : 0;
                    counts[(u * levels + level) * classes + y]++;
                }
            }
        }
        else
        {
            ReadOnlySpan<float> edges = _edges;
            for (int r = 0; r < batch; r++)
            {
                var row = values.Slice(r * units, units);
                int y = labels[r];
                for (int u = 0; u < row.Length; u++)
                {
                    int level = Quantizer.LevelOf(edges[_edgeStart[u].._edgeStart[u + 1]], row[u]);
                    counts[(u * levels + level) * classes + y]++;
                }
            }
        }
        SampleCount += batch;
    }

    /// <summary>Adds another accumulator's counts (same shape and quantizers), e.g. from a parallel pass.</summary>
    public void Merge(JointCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Units != Units || other.Levels != Levels || other.Classes != Classes || !other._edges.AsSpan().SequenceEqual(_edges))
            throw new ArgumentException("cannot merge counts of a different shape or quantization", nameof(other));
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        SampleCount += other.SampleCount;
    }

    /// <summary>Unit <paramref name="unit"/>'s table of counts n(t, y), [levels × classes].</summary>
    public JointTable Table(int unit)
    {
        if ((uint)unit >= (uint)Units) throw new ArgumentOutOfRangeException(nameof(unit));
        int size = Levels * Classes;
        return new JointTable(_counts.AsSpan(unit * size, size), Levels, Classes);
    }

    /// <summary>n(t, y) for one unit.</summary>
    public long Count(int unit, int level, int label) => Table(unit)[level, label];

    /// <summary>Stands in for the quantizer of a table given directly; only its level count matters.</summary>
    private sealed class TableQuantizer(float[] edges) : Quantizer(edges);
}
