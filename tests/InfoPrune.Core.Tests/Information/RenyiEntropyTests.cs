using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class RenyiEntropyTests
{
    private static GramMatrix ScaledIdentity(int n)
    {
        var values = new double[n * n];
        for (int i = 0; i < n; i++) values[i * n + i] = 1.0 / n;
        return GramMatrix.FromValues(values, n);
    }

    private static float[] Gaussian(Random random, int n, double scale = 1)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    public void ScaledIdentityHasEntropyLog2NForAlphaTwo(int n) =>
        Assert.Equal(Math.Log2(n), RenyiEntropy.Alpha2(ScaledIdentity(n)), 1e-12);

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void ScaledIdentityHasEntropyLog2NForEveryAlpha(double alpha) =>
        Assert.Equal(Math.Log2(12), RenyiEntropy.Of(ScaledIdentity(12), alpha), 1e-10);

    [Fact]
    public void ConstantVariableHasZeroEntropy()
    {
        // All samples equal: K is all ones, A = 11ᵀ/n has one eigenvalue 1.
        var k = GramMatrix.Rbf(new float[] { 3, 3, 3, 3, 3 }, 5);
        Assert.Equal(0.0, RenyiEntropy.Alpha2(k), 1e-12);
        Assert.Equal(0.0, RenyiEntropy.Of(k, 1.0), 1e-9);
    }

    [Fact]
    public void FrobeniusShortcutEqualsTheEigenvalueDefinitionForAlphaTwo()
    {
        var random = new Random(3);
        var k = GramMatrix.Rbf(Gaussian(random, 60 * 3), 60, sigma: 1.0);
        var eigenvalues = SymmetricEigenSolver.Eigenvalues(k.Normalized().Values, 60);
        double sumOfSquares = eigenvalues.Sum(l => l * l);
        Assert.Equal(-Math.Log2(sumOfSquares), RenyiEntropy.Alpha2(k), 1e-9);
        // And the general path agrees near α = 2 from both sides.
        Assert.InRange(RenyiEntropy.Alpha2(k), RenyiEntropy.Of(k, 2.001), RenyiEntropy.Of(k, 1.999));
    }

    [Fact]
    public void RenyiEntropyDecreasesWithAlpha()
    {
        var random = new Random(5);
        var k = GramMatrix.Rbf(Gaussian(random, 50 * 2), 50);
        double previous = double.PositiveInfinity;
        foreach (var alpha in new[] { 0.5, 1.0, 1.5, 2.0, 3.0 })
        {
            double s = RenyiEntropy.Of(k, alpha);
            Assert.True(s < previous, $"S_{alpha} = {s} not below {previous}");
            previous = s;
        }
    }

    [Fact]
    public void BalancedLabelsHaveTheRenyiEntropyOfTheClassDistribution()
    {
        // Delta kernel of labels: S_2 = −log2 Σ_c p_c². Four balanced classes give 2 bits; (1/2, 1/4, 1/4) gives log2(8/3).
        var balanced = GramMatrix.ClassDelta(Enumerable.Range(0, 40).Select(i => i % 4).ToArray());
        Assert.Equal(2.0, RenyiEntropy.Alpha2(balanced), 1e-12);
        var skewed = GramMatrix.ClassDelta(new[] { 0, 0, 1, 2, 0, 0, 1, 2 });
        Assert.Equal(Math.Log2(8.0 / 3.0), RenyiEntropy.Alpha2(skewed), 1e-12);
        Assert.Equal(1.5, RenyiEntropy.Of(skewed, 1.0), 1e-9); // Shannon entropy of (½, ¼, ¼)
    }

    [Fact]
    public void LabelsShareAllTheirInformationWithThemselves()
    {
        // The delta kernel is idempotent under the Hadamard product, so S(Y,Y) = S(Y) and I(Y;Y) = S(Y).
        var labels = GramMatrix.ClassDelta(new[] { 0, 1, 2, 0, 1, 0, 2, 2, 1, 0 });
        Assert.Equal(RenyiEntropy.Alpha2(labels), MatrixMutualInformation.Mutual(labels, labels), 1e-12);
        Assert.Equal(RenyiEntropy.Of(labels, 1.0), MatrixMutualInformation.Mutual(labels, labels, 1.0), 1e-9);
    }

    [Fact]
    public void ContinuousVariableSharesAtMostItsEntropyWithItself()
    {
        // For RBF kernels A∘A is the kernel at width σ/√2, not A: I(X;X) = 2S(X) − S(X,X) ≤ S(X), and > 0.
        var random = new Random(11);
        var x = GramMatrix.Rbf(Gaussian(random, 80), 80);
        double s = RenyiEntropy.Alpha2(x);
        double self = MatrixMutualInformation.Mutual(x, x);
        Assert.InRange(self, 0.5 * s, s + 1e-12);
    }

    [Fact]
    public void JointEntropyIsAtLeastEachMarginal()
    {
        var random = new Random(13);
        var x = GramMatrix.Rbf(Gaussian(random, 64 * 2), 64);
        var y = GramMatrix.Rbf(Gaussian(random, 64), 64);
        double joint = RenyiEntropy.Joint(2, x, y);
        Assert.True(joint >= RenyiEntropy.Alpha2(x) - 1e-12);
        Assert.True(joint >= RenyiEntropy.Alpha2(y) - 1e-12);
        Assert.True(joint <= Math.Log2(64) + 1e-12);
    }

    [Fact]
    public void FeatureCarryingTheLabelHasMoreMutualInformationThanNoise()
    {
        const int n = 200;
        var random = new Random(17);
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(4)).ToArray();
        var noise = Gaussian(random, n, 0.3);
        var informative = labels.Select((y, i) => y + noise[i]).ToArray();
        var independent = Gaussian(random, n);
        var y = GramMatrix.ClassDelta(labels);
        double dependentMi = MatrixMutualInformation.Mutual(GramMatrix.Rbf(informative, n), y);
        double independentMi = MatrixMutualInformation.Mutual(GramMatrix.Rbf(independent, n), y);
        Assert.True(dependentMi > 0.5, $"informative feature: {dependentMi}");
        Assert.True(independentMi < 0.25 * dependentMi, $"independent {independentMi} vs informative {dependentMi}");
    }

    [Fact]
    public void ConditionalMiIsNearZeroForAFeatureIndependentOfTheLabelGivenZButNotForAnInformativeOne()
    {
        // Z = Y + noise. X_redundant = Z + small noise reaches Y only through Z (X ⊥ Y | Z);
        // X_new = Y + fresh noise carries label information Z does not have.
        const int n = 240;
        var random = new Random(23);
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(4)).ToArray();
        var zNoise = Gaussian(random, n, 0.6);
        var z = labels.Select((y, i) => y + zNoise[i]).ToArray();
        var smallNoise = Gaussian(random, n, 0.05);
        var redundant = z.Select((v, i) => v + smallNoise[i]).ToArray();
        var freshNoise = Gaussian(random, n, 0.6);
        var informative = labels.Select((y, i) => y + freshNoise[i]).ToArray();

        var gz = GramMatrix.Rbf(z, n);
        var gy = GramMatrix.ClassDelta(labels);
        double redundantCmi = MatrixMutualInformation.Conditional(GramMatrix.Rbf(redundant, n), gy, gz);
        double informativeCmi = MatrixMutualInformation.Conditional(GramMatrix.Rbf(informative, n), gy, gz);

        Assert.True(informativeCmi > 0.2, $"informative CMI {informativeCmi}");
        Assert.True(Math.Abs(redundantCmi) < 0.25 * informativeCmi, $"redundant CMI {redundantCmi} vs informative {informativeCmi}");
    }

    [Fact]
    public void ConditioningOnTheLabelsThemselvesLeavesNoInformation()
    {
        // Z = Y exactly (delta kernel): S(Y,Z) = S(Z) and S(X,Y,Z) = S(X,Z), so I(X;Y|Z) = 0 exactly.
        var random = new Random(29);
        var labels = Enumerable.Range(0, 50).Select(_ => random.Next(3)).ToArray();
        var x = GramMatrix.Rbf(Gaussian(random, 50), 50);
        var y = GramMatrix.ClassDelta(labels);
        Assert.Equal(0.0, MatrixMutualInformation.Conditional(x, y, GramMatrix.ClassDelta(labels)), 1e-10);
    }

    [Fact]
    public void SilvermanWidthShrinksWithSampleCountAtTheDensityRate()
    {
        Assert.Equal(2 * Math.Pow(100, -1.0 / 5), KernelWidth.Silverman(100, 1, 2.0), 1e-15);
        Assert.Equal(Math.Pow(256, -1.0 / 7), KernelWidth.Silverman(256, 3, 1.0), 1e-15);
        // Default scale is the pooled standard deviation: samples ±1 in one dimension have σ_data = 1.
        Assert.Equal(Math.Pow(4, -1.0 / 5), KernelWidth.Silverman(new float[] { -1, 1, -1, 1 }, 4), 1e-12);
    }

    [Fact]
    public void RbfGramMatrixHasUnitDiagonalAndTheGaussianOfTheDistance()
    {
        var k = GramMatrix.Rbf(new float[] { 0, 0, 3, 4 }, 2, sigma: 5);
        Assert.Equal(1.0, k[0, 0]);
        Assert.Equal(Math.Exp(-25.0 / 50.0), k[0, 1], 1e-12);
        Assert.Equal(k[0, 1], k[1, 0]);
        Assert.Equal(0.5, k.Normalized()[1, 1], 1e-15);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveKernelWidthIsRefused(double sigma)
    {
        var error = Assert.Throws<InfoPruneException>(() => GramMatrix.Rbf(new float[] { 1, 2 }, 2, sigma));
        Assert.Equal("IP0505", error.Code.Id);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.PositiveInfinity)]
    public void NonPositiveRenyiOrderIsRefused(double alpha)
    {
        var error = Assert.Throws<InfoPruneException>(() => RenyiEntropy.Of(ScaledIdentity(3), alpha));
        Assert.Equal(InformationErrors.InvalidRenyiOrder, error.Code);
    }

    [Fact]
    public void JointOfMatricesOverDifferentSamplesIsRejected() =>
        Assert.Throws<ArgumentException>(() => GramMatrix.Joint(ScaledIdentity(3), ScaledIdentity(4)));
}
