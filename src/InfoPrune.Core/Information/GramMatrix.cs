using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// An n×n symmetric positive semidefinite Gram matrix over n samples, the object the matrix-based
/// Rényi α-entropy (Giraldo, Rao &amp; Príncipe; used by the CMI pruning paper) is a function of.
/// Immutable; values in double, row-major.
/// </summary>
public sealed class GramMatrix
{
    /// <summary>Largest sample count accepted: n² doubles must stay a modest allocation.</summary>
    public const int MaxSize = 8192;

    private readonly double[] _values;

    private GramMatrix(double[] values, int size)
    {
        _values = values;
        Size = size;
    }

    /// <summary>n, the number of samples.</summary>
    public int Size { get; }

    /// <summary>The entries, row-major [n × n].</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Entry (i, j).</summary>
    public double this[int i, int j] => _values[i * Size + j];

    /// <summary>tr K.</summary>
    public double Trace
    {
        get
        {
            double trace = 0;
            for (int i = 0; i < Size; i++) trace += _values[i * Size + i];
            return trace;
        }
    }

    /// <summary>A Gram matrix from given entries (symmetric, [n × n]); for kernels computed elsewhere and for tests.</summary>
    public static GramMatrix FromValues(ReadOnlySpan<double> values, int size)
    {
        ValidateSize(size);
        if (values.Length != size * size)
            throw new ArgumentException($"values length {values.Length} is not {size}²", nameof(values));
        for (int i = 0; i < size; i++)
            for (int j = i + 1; j < size; j++)
                if (Math.Abs(values[i * size + j] - values[j * size + i]) > 1e-12 * (1 + Math.Abs(values[i * size + j])))
                    throw new ArgumentException($"values are not symmetric at ({i}, {j})", nameof(values));
        return new GramMatrix(values.ToArray(), size);
    }

    /// <summary>
    /// RBF Gram matrix K_ij = exp(−‖x_i − x_j‖² / (2σ²)) over <paramref name="sampleCount"/> samples laid
    /// out [n × d] in <paramref name="samples"/>. Without <paramref name="sigma"/>, σ comes from
    /// Silverman's rule (<see cref="KernelWidth.Silverman(ReadOnlySpan{float}, int)"/>).
    /// </summary>
    public static GramMatrix Rbf(ReadOnlySpan<float> samples, int sampleCount, double? sigma = null)
    {
        ValidateSize(sampleCount);
        if (samples.Length == 0 || samples.Length % sampleCount != 0)
            throw new ArgumentException($"samples length {samples.Length} is not a positive multiple of {sampleCount}", nameof(samples));
        foreach (var v in samples)
            if (!float.IsFinite(v))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, "Gram matrices need finite activations (found NaN or infinity).");
        double width = sigma ?? KernelWidth.Silverman(samples, sampleCount);
        if (!(width > 0) || double.IsInfinity(width))
            throw new InfoPruneException(InformationErrors.InvalidKernelWidth, $"The RBF kernel width must be a positive finite number (got {width}).");

        int n = sampleCount, d = samples.Length / n;
        var k = new double[n * n];
        double scale = -1.0 / (2 * width * width);
        for (int i = 0; i < n; i++)
        {
            k[i * n + i] = 1;
            var xi = samples.Slice(i * d, d);
            for (int j = i + 1; j < n; j++)
            {
                var xj = samples.Slice(j * d, d);
                double squared = 0;
                for (int f = 0; f < d; f++)
                {
                    double diff = (double)xi[f] - xj[f];
                    squared += diff * diff;
                }
                double value = Math.Exp(squared * scale);
                k[i * n + j] = value;
                k[j * n + i] = value;
            }
        }
        return new GramMatrix(k, n);
    }

    /// <summary>
    /// The label kernel: K_ij = 1 when samples i and j share a class, else 0, i.e. the linear kernel
    /// of one-hot labels (a delta kernel). Its normalized Rényi entropy is the Rényi entropy of the
    /// empirical class distribution.
    /// </summary>
    public static GramMatrix ClassDelta(ReadOnlySpan<int> labels)
    {
        ValidateSize(labels.Length);
        int n = labels.Length;
        var k = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                k[i * n + j] = labels[i] == labels[j] ? 1 : 0;
        return new GramMatrix(k, n);
    }

    /// <summary>A = K / tr K: unit trace, so its eigenvalues form a distribution.</summary>
    public GramMatrix Normalized()
    {
        double trace = Trace;
        if (!(trace > 0))
            throw new ArgumentException("a Gram matrix with non-positive trace cannot be normalized");
        var a = new double[_values.Length];
        for (int i = 0; i < a.Length; i++) a[i] = _values[i] / trace;
        return new GramMatrix(a, Size);
    }

    /// <summary>
    /// The joint matrix (A_1 ∘ A_2 ∘ …) / tr(A_1 ∘ A_2 ∘ …): the Hadamard product of the variables'
    /// Gram matrices, normalized, whose entropy is their joint entropy.
    /// </summary>
    public static GramMatrix Joint(params ReadOnlySpan<GramMatrix> matrices)
    {
        if (matrices.Length == 0) throw new ArgumentException("at least one matrix is required", nameof(matrices));
        int n = matrices[0].Size;
        var product = new double[n * n];
        Array.Fill(product, 1.0);
        foreach (var m in matrices)
        {
            if (m.Size != n) throw new ArgumentException("all matrices must be over the same samples", nameof(matrices));
            var values = m._values;
            for (int i = 0; i < product.Length; i++) product[i] *= values[i];
        }
        return new GramMatrix(product, n).Normalized();
    }

    private static void ValidateSize(int size)
    {
        if (size <= 0)
            throw new InfoPruneException(InformationErrors.EmptySample, "A Gram matrix needs at least one sample.");
        if (size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"at most {MaxSize} samples are supported (got {size})");
    }
}
