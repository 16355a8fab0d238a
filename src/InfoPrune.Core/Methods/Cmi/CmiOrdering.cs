using System.Numerics;
using System.Runtime.CompilerServices;
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
        var classes = labels.ToArray();
        // Samples sorted by class make the label Gram block diagonal: S(·, Y) then sums each
        // row's own class block, with no per-entry test. Entropies do not depend on sample order.
        var sorted = Enumerable.Range(0, n).OrderBy(i => classes[i]).ThenBy(i => i).ToArray();
        var identity = sorted.Select((s, i) => s == i).All(x => x);
        if (!identity)
        {
            grams = grams.Select(g => Permute(g, sorted, n)).ToArray();
            if (condition != null) condition = Permute(condition, sorted, n);
        }
        var blocks = new (int Start, int End)[n];
        for (var i = 0; i < n;)
        {
            var end = i;
            while (end < n && classes[sorted[end]] == classes[sorted[i]]) end++;
            for (var j = i; j < end; j++) blocks[j] = (i, end);
            i = end;
        }
        var chosenProduct = condition?.ToArray() ?? Ones(n * n);
        var remaining = Enumerable.Range(0, grams.Count).ToList();
        var order = new List<int>();
        var increments = new List<double>();
        var (baseEntropy, baseWithLabels) = Entropies(chosenProduct, null, blocks, n, alpha);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellation };
        while (remaining.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var scores = new (double Joint, double JointWithLabels)[remaining.Count];
            var product = chosenProduct;
            var currentGrams = grams;
            Parallel.For(0, remaining.Count, options, r => scores[r] = Entropies(product, currentGrams[remaining[r]], blocks, n, alpha));
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

    /// <summary>
    /// S_α(P ∘ K) and S_α(P ∘ K ∘ Y) (K = all ones when null), each normalized by its trace, with
    /// samples sorted by class (<paramref name="blocks"/>: each sample's class range).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Joint, double JointWithLabels) Entropies(double[] product, double[]? gram, (int Start, int End)[] blocks, int n, double alpha)
    {
        if (alpha == 2)
        {
            // S_2 = −log2(‖M‖²_F / (tr M)²): one pass over the upper triangle, no matrix formed.
            double squares = 0, squaresSameClass = 0, trace = 0;
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                var p = product.AsSpan(row + i + 1, n - i - 1);
                var k = gram == null ? default : gram.AsSpan(row + i + 1, n - i - 1);
                var sameClassEnd = blocks[i].End - i - 1;
                var (all, same) = gram == null ? SumOfSquares(p, sameClassEnd) : SumOfSquaredProducts(p, k, sameClassEnd);
                var diagonal = gram == null ? product[row + i] : product[row + i] * gram[row + i];
                squares += 2 * all + diagonal * diagonal;
                squaresSameClass += 2 * same + diagonal * diagonal;
                trace += diagonal;
            }
            var t2 = trace * trace;
            return (-Math.Log2(squares / t2), -Math.Log2(squaresSameClass / t2));
        }
        var joint = new double[n * n];
        var withLabels = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var v = gram == null ? product[i * n + j] : product[i * n + j] * gram[i * n + j];
                joint[i * n + j] = v;
                withLabels[i * n + j] = j >= blocks[i].Start && j < blocks[i].End ? v : 0;
            }
        return (RenyiEntropy.Of(GramMatrix.FromValues(joint, n), alpha), RenyiEntropy.Of(GramMatrix.FromValues(withLabels, n), alpha));
    }

    /// <summary>Σ (p·k)² over the span, and over its first <paramref name="split"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double All, double Head) SumOfSquaredProducts(ReadOnlySpan<double> p, ReadOnlySpan<double> k, int split)
    {
        var head = Dot(p[..split], k[..split]);
        return (head + Dot(p[split..], k[split..]), head);

        static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            var width = Vector<double>.Count;
            var sum = Vector<double>.Zero;
            var i = 0;
            for (; i <= a.Length - width; i += width)
            {
                var v = new Vector<double>(a.Slice(i, width)) * new Vector<double>(b.Slice(i, width));
                sum += v * v;
            }
            var total = Vector.Sum(sum);
            for (; i < a.Length; i++) { var v = a[i] * b[i]; total += v * v; }
            return total;
        }
    }

    /// <summary>Σ p² over the span, and over its first <paramref name="split"/> entries.</summary>
    private static (double All, double Head) SumOfSquares(ReadOnlySpan<double> p, int split)
    {
        double head = 0, all = 0;
        for (var i = 0; i < p.Length; i++) { var v = p[i] * p[i]; all += v; if (i < split) head += v; }
        return (all, head);
    }

    private static double[] Permute(double[] matrix, int[] order, int n)
    {
        var result = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) result[i * n + j] = matrix[order[i] * n + order[j]];
        return result;
    }

    private static double[] Ones(int length)
    {
        var ones = new double[length];
        Array.Fill(ones, 1.0);
        return ones;
    }
}
