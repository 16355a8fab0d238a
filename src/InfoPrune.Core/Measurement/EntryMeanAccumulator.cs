using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Running mean of each entry of a value's channel axis (axis 1), over samples and every trailing
/// position: per feature for [N, F], per channel for [N, C, H, W]. This is the empirical mean
/// Σ_ℓ t_j(x_ℓ)/N of eq. (7) that bias balancing folds into the consumer's bias. Sums are kept
/// in double so thousands of batches do not drift.
/// </summary>
internal sealed class EntryMeanAccumulator
{
    private readonly double[] _sums;
    private long _count;

    public EntryMeanAccumulator(long width) => _sums = new double[width];

    /// <summary>Adds a captured value [N, width, ...].</summary>
    public void Add(Tensor value)
    {
        using var scope = NewDisposeScope();
        var n = value.shape[0];
        var rows = value.reshape(n, _sums.Length, -1);
        var sums = rows.to_type(ScalarType.Float64).sum(new long[] { 0, 2 }).cpu().data<double>().ToArray();
        for (var i = 0; i < sums.Length; i++) _sums[i] += sums[i];
        _count += n * rows.shape[2];
    }

    /// <summary>The mean per entry (0 before anything was added).</summary>
    public float[] Means() => _sums.Select(s => _count == 0 ? 0f : (float)(s / _count)).ToArray();
}
