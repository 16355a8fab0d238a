using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// Eigenvalues of a real symmetric matrix by the cyclic Jacobi method: rotations zero the
/// off-diagonal entries one by one until they are negligible. O(n³) per sweep, a handful of sweeps;
/// meant for Gram matrices of a few hundred samples, where its accuracy (small eigenvalues to high
/// relative precision) matters more than speed.
/// </summary>
public static class SymmetricEigenSolver
{
    private const int MaxSweeps = 100;

    /// <summary>The n eigenvalues of the symmetric [n × n] <paramref name="matrix"/>, ascending.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> matrix, int size)
    {
        if (size <= 0 || matrix.Length != size * size)
            throw new ArgumentException($"matrix length {matrix.Length} is not {size}²", nameof(matrix));
        int n = size;
        var a = matrix.ToArray();
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0, diagonal = 0;
            for (int i = 0; i < n; i++)
            {
                diagonal += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            }
            // Off-diagonal mass below (1e-14)² of the diagonal's moves eigenvalues by far less than that.
            if (off <= 1e-28 * Math.Max(diagonal, double.Epsilon)) return SortedDiagonal(a, n);

            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    double app = a[p * n + p], aqq = a[q * n + q];
                    // An entry below rounding level of its diagonal pair cannot change the eigenvalues;
                    // zero it instead of rotating, so late sweeps finish instead of chasing round-off.
                    if (Math.Abs(apq) <= 1e-18 * (Math.Abs(app) + Math.Abs(aqq)) || apq == 0)
                    {
                        a[p * n + q] = 0;
                        a[q * n + p] = 0;
                        continue;
                    }
                    // The rotation angle that zeroes a_pq: tan(2θ) = 2a_pq / (a_qq − a_pp), taking the
                    // smaller root for t = tan θ so the rotation stays close to the identity.
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    a[p * n + q] = 0;
                    a[q * n + p] = 0;
                }
        }
        throw new InfoPruneException(InformationErrors.EigenSolverDidNotConverge,
            $"The Jacobi eigen solver did not converge in {MaxSweeps} sweeps for a {n}×{n} matrix.");
    }

    private static double[] SortedDiagonal(double[] a, int n)
    {
        var eigenvalues = new double[n];
        for (int i = 0; i < n; i++) eigenvalues[i] = a[i * n + i];
        Array.Sort(eigenvalues);
        return eigenvalues;
    }
}
