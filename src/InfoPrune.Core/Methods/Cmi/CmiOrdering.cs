using InfoPrune.Core.Information;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// A layer's channels in the greedy order of the CMI paper, with what each added: channel k is the
/// one with the largest I(X_c; Y | S_{k−1}, Z) given the channels S_{k−1} already chosen and the
/// conditioning set Z (another layer's chosen channels, or nothing). By the chain rule the
/// increments sum to I(S_k; Y | Z), the cumulative curve the cutoffs read.
/// </summary>
/// <param name="Order">Channel indices, most informative first.</param>
/// <param name="Increments">I(X_{order[k]}; Y | S_k, Z) in bits, per position.</param>
public sealed record CmiOrdering(int[] Order, double[] Increments)
{
    /// <summary>I(S_k; Y | Z) for k = 0 … C (0 first).</summary>
    public double[] Cumulative()
    {
        var curve = new double[Increments.Length + 1];
        for (var k = 0; k < Increments.Length; k++) curve[k + 1] = curve[k] + Increments[k];
        return curve;
    }

    /// <summary>
    /// Orders the channels whose Grams are <paramref name="grams"/> ([N × N] each, unit diagonal
    /// as RBF Grams have) by conditional MI with the labels given <paramref name="condition"/> (a
    /// Gram over the same samples; null for none). Every joint entropy is that of the normalized
    /// Hadamard product of the variables' Grams, the labels entering as their delta Gram.
    /// Candidates are scored on <paramref name="threads"/> threads, each independently, so the
    /// result does not depend on the thread count.
    /// </summary>
    public static CmiOrdering Compute(IReadOnlyList<double[]> grams, int samples, ReadOnlySpan<int> labels, double[]? condition, double alpha,
        int threads = 1, CancellationToken cancellation = default)
    {
        var n = samples;
        var sameClass = new bool[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) sameClass[i * n + j] = labels[i] == labels[j];
        var chosenProduct = condition?.ToArray() ?? Ones(n * n);
        var remaining = Enumerable.Range(0, grams.Count).ToList();
        var order = new List<int>();
        var increments = new List<double>();
        var (baseEntropy, baseWithLabels) = Entropies(chosenProduct, null, sameClass, n, alpha);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation };
        while (remaining.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var scores = new (double Joint, double JointWithLabels)[remaining.Count];
            var product = chosenProduct;
            Parallel.For(0, remaining.Count, options, r => scores[r] = Entropies(product, grams[remaining[r]], sameClass, n, alpha));
            // I(c; Y | S, Z) = S(c,S,Z) + S(Y,S,Z) − S(c,Y,S,Z) − S(S,Z); ties go to the lower index.
            var best = 0;
            var bestGain = double.NegativeInfinity;
            for (var r = 0; r < remaining.Count; r++)
            {
                var gain = scores[r].Joint + baseWithLabels - scores[r].JointWithLabels - baseEntropy;
                if (gain > bestGain + 1e-12) { best = r; bestGain = gain; }
            }
            var channel = remaining[best];
            order.Add(channel);
            increments.Add(bestGain);
            var k = grams[channel];
            for (var i = 0; i < chosenProduct.Length; i++) chosenProduct[i] *= k[i];
            (baseEntropy, baseWithLabels) = scores[best];
            remaining.RemoveAt(best);
        }
        return new CmiOrdering(order.ToArray(), increments.ToArray());
    }

    /// <summary>S_α(P ∘ K) and S_α(P ∘ K ∘ Y) (K = all ones when null), normalized by their traces.</summary>
    private static (double Joint, double JointWithLabels) Entropies(double[] product, double[]? gram, bool[] sameClass, int n, double alpha)
    {
        if (alpha == 2)
        {
            // S_2 = −log2(‖M‖²_F / (tr M)²): one pass, no matrix formed.
            double squares = 0, squaresSameClass = 0, trace = 0;
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                for (var j = 0; j < n; j++)
                {
                    var v = gram == null ? product[row + j] : product[row + j] * gram[row + j];
                    var v2 = v * v;
                    squares += v2;
                    if (sameClass[row + j]) squaresSameClass += v2;
                }
                trace += gram == null ? product[row + i] : product[row + i] * gram[row + i];
            }
            var t2 = trace * trace;
            return (-Math.Log2(squares / t2), -Math.Log2(squaresSameClass / t2));
        }
        var joint = new double[n * n];
        var withLabels = new double[n * n];
        for (var i = 0; i < joint.Length; i++)
        {
            joint[i] = gram == null ? product[i] : product[i] * gram[i];
            withLabels[i] = sameClass[i] ? joint[i] : 0;
        }
        return (RenyiEntropy.Of(GramMatrix.FromValues(joint, n), alpha), RenyiEntropy.Of(GramMatrix.FromValues(withLabels, n), alpha));
    }

    private static double[] Ones(int length)
    {
        var ones = new double[length];
        Array.Fill(ones, 1.0);
        return ones;
    }
}
