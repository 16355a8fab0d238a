using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// Matrix-based Rényi α-entropy S_α(A) = log2(Σ_i λ_i(A)^α) / (1 − α) of a unit-trace Gram matrix
/// A = K / tr K, in bits. Matrices are normalized here if they are not already, so K may be passed.
/// </summary>
public static class RenyiEntropy
{
    /// <summary>
    /// S_2(A) = −log2 Σλ² = −log2 ‖A‖²_F: for symmetric A the eigenvalues' squares sum to the
    /// squared Frobenius norm, so α = 2 needs no eigendecomposition (O(n²)).
    /// </summary>
    public static double Alpha2(GramMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        double trace = matrix.Trace;
        if (!(trace > 0)) throw new ArgumentException("a Gram matrix with non-positive trace has no entropy", nameof(matrix));
        double frobenius = 0;
        foreach (var v in matrix.Values) frobenius += v * v;
        return -Math.Log2(frobenius / (trace * trace));
    }

    /// <summary>
    /// S_α for any α &gt; 0 from the symmetric eigenvalues (Jacobi, O(n³)); α = 2 takes the
    /// Frobenius shortcut and α = 1 is the limit −Σλ log2 λ (von Neumann entropy).
    /// Tiny negative eigenvalues from rounding are treated as 0.
    /// </summary>
    public static double Of(GramMatrix matrix, double alpha)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new InfoPruneException(InformationErrors.InvalidRenyiOrder, $"The Rényi order α must be a positive finite number (got {alpha}).");
        if (alpha == 2) return Alpha2(matrix);

        double trace = matrix.Trace;
        if (!(trace > 0)) throw new ArgumentException("a Gram matrix with non-positive trace has no entropy", nameof(matrix));
        var eigenvalues = SymmetricEigenSolver.Eigenvalues(matrix.Values, matrix.Size);
        if (Math.Abs(alpha - 1) < 1e-12)
        {
            double shannon = 0;
            foreach (var raw in eigenvalues)
            {
                double l = raw / trace;
                if (l > 0) shannon -= l * Math.Log2(l);
            }
            return shannon;
        }
        double sum = 0;
        foreach (var raw in eigenvalues)
        {
            double l = raw / trace;
            if (l > 0) sum += Math.Pow(l, alpha);
        }
        return Math.Log2(sum) / (1 - alpha);
    }

    /// <summary>Joint entropy S_α(A_1, …, A_k) = S_α of the normalized Hadamard product.</summary>
    public static double Joint(double alpha, params ReadOnlySpan<GramMatrix> matrices) => Of(GramMatrix.Joint(matrices), alpha);
}
