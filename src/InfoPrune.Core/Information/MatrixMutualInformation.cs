namespace InfoPrune.Core.Information;

/// <summary>
/// Mutual and conditional mutual information from matrix-based Rényi entropies (bits), the
/// quantities the CMI pruning paper ranks channels by. Several channels form one variable through
/// <see cref="GramMatrix.Joint"/>. Unlike Shannon MI these estimates need not be exactly 0 for
/// independent variables; compare them, do not test them against 0.
/// </summary>
public static class MatrixMutualInformation
{
    /// <summary>I_α(X;Y) = S(X) + S(Y) − S(X,Y).</summary>
    public static double Mutual(GramMatrix x, GramMatrix y, double alpha = 2) =>
        RenyiEntropy.Of(x, alpha) + RenyiEntropy.Of(y, alpha) - RenyiEntropy.Joint(alpha, x, y);

    /// <summary>I_α(X;Y|Z) = S(X,Z) + S(Y,Z) − S(X,Y,Z) − S(Z).</summary>
    public static double Conditional(GramMatrix x, GramMatrix y, GramMatrix z, double alpha = 2) =>
        RenyiEntropy.Joint(alpha, x, z) + RenyiEntropy.Joint(alpha, y, z)
        - RenyiEntropy.Joint(alpha, x, y, z) - RenyiEntropy.Of(z, alpha);
}
