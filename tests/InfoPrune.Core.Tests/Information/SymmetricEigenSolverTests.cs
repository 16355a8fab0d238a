using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class SymmetricEigenSolverTests
{
    [Fact]
    public void TwoByTwoHasTextbookEigenvalues()
    {
        var eigenvalues = SymmetricEigenSolver.Eigenvalues(new double[] { 2, 1, 1, 2 }, 2);
        Assert.Equal(1.0, eigenvalues[0], 1e-14);
        Assert.Equal(3.0, eigenvalues[1], 1e-14);
    }

    [Fact]
    public void DiagonalMatrixReturnsItsDiagonalSorted()
    {
        var eigenvalues = SymmetricEigenSolver.Eigenvalues(new double[] { 5, 0, 0, 0, -1, 0, 0, 0, 2 }, 3);
        Assert.Equal(new[] { -1.0, 2.0, 5.0 }, eigenvalues);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(128)]
    public void RotatedDiagonalMatrixGivesBackTheChosenEigenvalues(int n)
    {
        // A = Q D Qᵀ with Q a product of random Givens rotations: the spectrum is D by construction.
        var random = new Random(n);
        var expected = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10 - 3).OrderBy(v => v).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = expected[i];
        for (int r = 0; r < 4 * n; r++)
        {
            int p = random.Next(n), q = random.Next(n);
            if (p == q) continue;
            double angle = random.NextDouble() * Math.PI, c = Math.Cos(angle), s = Math.Sin(angle);
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
        }
        var eigenvalues = SymmetricEigenSolver.Eigenvalues(a, n);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], eigenvalues[i], 1e-9);
    }
}
