using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// Maps a unit's real-valued output to one of <see cref="Levels"/> discrete levels, the map
/// Q: R → T of the neuron-importance paper (Section 3). Every quantizer here is described by
/// sorted interior <see cref="Edges"/>: a value's level is the number of edges strictly below it,
/// so bins are right-closed ((e_{i−1}, e_i]) and a ReLU output of exactly 0 falls in level 0.
/// </summary>
public abstract class Quantizer
{
    private readonly float[] _edges;

    private protected Quantizer(float[] edges)
    {
        for (int i = 0; i < edges.Length; i++)
        {
            if (float.IsNaN(edges[i]))
                throw new InfoPruneException(InformationErrors.InvalidQuantizer, "A quantizer edge is NaN.");
            if (i > 0 && edges[i] < edges[i - 1])
                throw new InfoPruneException(InformationErrors.InvalidQuantizer, "Quantizer edges must be sorted ascending.");
        }
        _edges = edges;
    }

    /// <summary>How many levels the quantizer produces: |T| = edges + 1.</summary>
    public int Levels => _edges.Length + 1;

    /// <summary>The sorted interior boundaries; level i holds values in (Edges[i−1], Edges[i]].</summary>
    public ReadOnlySpan<float> Edges => _edges;

    /// <summary>The level of one value, in [0, <see cref="Levels"/>). NaN is refused.</summary>
    public int Quantize(float value)
    {
        if (float.IsNaN(value))
            throw new InfoPruneException(InformationErrors.NonFiniteActivation, "Cannot quantize a NaN activation.");
        return LevelOf(_edges, value);
    }

    /// <summary>Quantizes many values into <paramref name="levels"/> (same length).</summary>
    public void Quantize(ReadOnlySpan<float> values, Span<int> levels)
    {
        if (levels.Length != values.Length)
            throw new ArgumentException("levels must have the same length as values", nameof(levels));
        for (int i = 0; i < values.Length; i++) levels[i] = Quantize(values[i]);
    }

    /// <summary>Number of edges strictly below <paramref name="value"/> (binary search; the caller rules out NaN).</summary>
    internal static int LevelOf(ReadOnlySpan<float> edges, float value)
    {
        int low = 0, high = edges.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (edges[mid] < value) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
