using System.Numerics;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Information;

/// <summary>
/// The neuron-importance measures of Amjad et al. computed from a unit's joint counts n(t, y),
/// i.e. from the plug-in distribution P_{T,Y} = n/N (eq. 2). Logarithms are base 2 (bits);
/// 0·log 0 = 0, so empty levels and absent classes contribute nothing. An empty table scores 0.
/// Each measure costs O(|T|·C) except JS subset separation, O(2^C·|T|) (Appendix B.4).
/// </summary>
public static class InformationMeasures
{
    /// <summary>Largest class count for which <see cref="JsSubsetSeparation"/> enumerates subsets exactly.</summary>
    public const int MaxClassesForSubsetSeparation = 16;

    private const int StackLimit = 256;

    /// <summary>H(T) = −Σ_t P(t) log2 P(t), eq. (3).</summary>
    public static double Entropy(JointTable table)
    {
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        LevelTotals(table, levelTotals);
        double h = 0;
        foreach (var n in levelTotals) h -= PLog2(n, total, total);
        return h;
    }

    /// <summary>I(T;Y) = Σ_{t,y} P(t,y) log2 [P(t,y) / (P(t)P(y))], eq. (4), here in the form of eq. (12).</summary>
    public static double MutualInformation(JointTable table)
    {
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> classTotals = table.Classes <= StackLimit ? stackalloc long[table.Classes] : new long[table.Classes];
        LevelTotals(table, levelTotals);
        ClassTotals(table, classTotals);
        double mi = 0;
        for (int t = 0; t < table.Levels; t++)
        {
            if (levelTotals[t] == 0) continue;
            for (int y = 0; y < table.Classes; y++)
            {
                long n = table[t, y];
                if (n == 0) continue;
                mi += (double)n / total * Math.Log2((double)n * total / ((double)levelTotals[t] * classTotals[y]));
            }
        }
        return Math.Max(mi, 0); // rounding can leave −1e−17 for independent tables
    }

    /// <summary>
    /// Specific information D(P_{T|Y=y} ‖ P_T) of one class. A class with no samples has no
    /// conditional distribution; it gets 0 and never wins the maximum in eq. (5).
    /// </summary>
    public static double SpecificInformation(JointTable table, int label)
    {
        if ((uint)label >= (uint)table.Classes) throw new ArgumentOutOfRangeException(nameof(label));
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        LevelTotals(table, levelTotals);
        long classTotal = 0;
        for (int t = 0; t < table.Levels; t++) classTotal += table[t, label];
        return SpecificInformation(table, label, levelTotals, classTotal, total);
    }

    /// <summary>KL selectivity max_y D(P_{T|Y=y} ‖ P_T), eq. (5), over the classes that occur.</summary>
    public static double KlSelectivity(JointTable table)
    {
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> classTotals = table.Classes <= StackLimit ? stackalloc long[table.Classes] : new long[table.Classes];
        LevelTotals(table, levelTotals);
        ClassTotals(table, classTotals);
        double best = 0;
        for (int y = 0; y < table.Classes; y++)
        {
            if (classTotals[y] == 0) continue;
            best = Math.Max(best, SpecificInformation(table, y, levelTotals, classTotals[y], total));
        }
        return best;
    }

    /// <summary>
    /// I(T; 1[Y∈A]) for the class subset A given by <paramref name="inSubset"/> (one flag per class).
    /// By Lemma 3 (eq. 14b) this equals the JS divergence of P_{T|Y∈A} and P_{T|Y∉A} weighted by P_Y(A).
    /// </summary>
    public static double IndicatorMutualInformation(JointTable table, ReadOnlySpan<bool> inSubset)
    {
        if (inSubset.Length != table.Classes)
            throw new ArgumentException($"one flag per class is needed ({table.Classes}), got {inSubset.Length}", nameof(inSubset));
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> inA = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        LevelTotals(table, levelTotals);
        long subsetTotal = 0;
        for (int t = 0; t < table.Levels; t++)
        {
            long m = 0;
            for (int y = 0; y < table.Classes; y++)
                if (inSubset[y]) m += table[t, y];
            inA[t] = m;
            subsetTotal += m;
        }
        return BinaryMutualInformation(levelTotals, inA, subsetTotal, total);
    }

    /// <summary>
    /// The JS divergence D_{JS,P_Y(A)}(P_{T|Y∈A} ‖ P_{T|Y∉A}) computed from its definition (eq. 13a),
    /// independently of <see cref="IndicatorMutualInformation"/>, so Lemma 3 can be checked. 0 when A
    /// or its complement has no samples (one side has weight 0).
    /// </summary>
    public static double SubsetJsDivergence(JointTable table, ReadOnlySpan<bool> inSubset)
    {
        if (inSubset.Length != table.Classes)
            throw new ArgumentException($"one flag per class is needed ({table.Classes}), got {inSubset.Length}", nameof(inSubset));
        long total = table.Total;
        var inA = new double[table.Levels];
        var outA = new double[table.Levels];
        double massIn = 0, massOut = 0;
        for (int t = 0; t < table.Levels; t++)
            for (int y = 0; y < table.Classes; y++)
            {
                if (inSubset[y]) inA[t] += table[t, y];
                else outA[t] += table[t, y];
            }
        foreach (var v in inA) massIn += v;
        foreach (var v in outA) massOut += v;
        if (total == 0 || massIn == 0 || massOut == 0) return 0;
        for (int t = 0; t < table.Levels; t++)
        {
            inA[t] /= massIn;
            outA[t] /= massOut;
        }
        return JsDivergence(inA, outA, massIn / total);
    }

    /// <summary>
    /// JS subset separation max_{A⊂C, A≠∅} I(T; 1[Y∈A]), eqs. (14a)/(14b). A and its complement give
    /// the same value, so only the 2^(C−1)−1 subsets without the last class are visited, in Gray-code
    /// order so each step moves one class: O(2^C·|T|). More than
    /// <see cref="MaxClassesForSubsetSeparation"/> declared classes is refused (IP0500).
    /// </summary>
    public static double JsSubsetSeparation(JointTable table)
    {
        EnsureSubsetSeparationFeasible(table.Classes);
        long total = table.Total;
        if (total == 0 || table.Classes < 2) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> inA = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> classTotals = stackalloc long[table.Classes];
        LevelTotals(table, levelTotals);
        ClassTotals(table, classTotals);
        inA.Clear();
        long subsetTotal = 0;
        double best = 0;
        int subsets = 1 << (table.Classes - 1);
        for (int k = 1; k < subsets; k++)
        {
            // Gray code: subset k differs from subset k−1 in the class at k's lowest set bit.
            int changed = BitOperations.TrailingZeroCount(k);
            bool added = (((k ^ (k >> 1)) >> changed) & 1) == 1;
            long sign = added ? 1 : -1;
            for (int t = 0; t < inA.Length; t++) inA[t] += sign * table[t, changed];
            subsetTotal += sign * classTotals[changed];
            best = Math.Max(best, BinaryMutualInformation(levelTotals, inA, subsetTotal, total));
        }
        return best;
    }

    /// <summary>Labelled mutual information max_c I(T; 1[Y=c]), eq. (16).</summary>
    public static double LabeledMi(JointTable table)
    {
        long total = table.Total;
        if (total == 0) return 0;
        Span<long> levelTotals = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        Span<long> inA = table.Levels <= StackLimit ? stackalloc long[table.Levels] : new long[table.Levels];
        LevelTotals(table, levelTotals);
        double best = 0;
        for (int c = 0; c < table.Classes; c++)
        {
            long classTotal = 0;
            for (int t = 0; t < table.Levels; t++)
            {
                inA[t] = table[t, c];
                classTotal += inA[t];
            }
            best = Math.Max(best, BinaryMutualInformation(levelTotals, inA, classTotal, total));
        }
        return best;
    }

    /// <summary>One measure of one table.</summary>
    public static double Compute(JointTable table, NeuronMeasure measure) => measure switch
    {
        NeuronMeasure.Entropy => Entropy(table),
        NeuronMeasure.MutualInformation => MutualInformation(table),
        NeuronMeasure.KlSelectivity => KlSelectivity(table),
        NeuronMeasure.JsSeparation => JsSubsetSeparation(table),
        NeuronMeasure.LabeledMi => LabeledMi(table),
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };

    /// <summary>The chosen measure for every unit, in unit order (bits). Rank within a layer only.</summary>
    public static double[] Score(JointCounts counts, NeuronMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (measure == NeuronMeasure.JsSeparation) EnsureSubsetSeparationFeasible(counts.Classes);
        var scores = new double[counts.Units];
        for (int u = 0; u < scores.Length; u++) scores[u] = Compute(counts.Table(u), measure);
        return scores;
    }

    /// <summary>D(p ‖ q) = Σ p log2(p/q) in bits; +∞ when p puts mass where q has none.</summary>
    public static double KlDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException("distributions differ in length", nameof(q));
        double d = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0) continue;
            if (q[i] <= 0) return double.PositiveInfinity;
            d += p[i] * Math.Log2(p[i] / q[i]);
        }
        return d;
    }

    /// <summary>D_{JS,π}(p1 ‖ p2) = π D(p1‖m) + (1−π) D(p2‖m), m = π p1 + (1−π) p2 (eq. 13a).</summary>
    public static double JsDivergence(ReadOnlySpan<double> p1, ReadOnlySpan<double> p2, double weight)
    {
        if (p1.Length != p2.Length) throw new ArgumentException("distributions differ in length", nameof(p2));
        if (!(weight >= 0 && weight <= 1)) throw new ArgumentOutOfRangeException(nameof(weight));
        var mixture = new double[p1.Length];
        for (int i = 0; i < p1.Length; i++) mixture[i] = weight * p1[i] + (1 - weight) * p2[i];
        double first = weight == 0 ? 0 : weight * KlDivergence(p1, mixture);
        double second = weight == 1 ? 0 : (1 - weight) * KlDivergence(p2, mixture);
        return first + second;
    }

    private static void EnsureSubsetSeparationFeasible(int classes)
    {
        if (classes > MaxClassesForSubsetSeparation)
            throw new InfoPruneException(InformationErrors.TooManyClassesForSubsetSeparation,
                $"JS subset separation enumerates 2^(C−1)−1 class subsets and is exact only up to {MaxClassesForSubsetSeparation} classes; " +
                $"this task has {classes}. Use the labelled MI (max_c I(T;1[Y=c])) or KL selectivity instead.");
    }

    private static double SpecificInformation(JointTable table, int label, ReadOnlySpan<long> levelTotals, long classTotal, long total)
    {
        if (classTotal == 0) return 0;
        double d = 0;
        for (int t = 0; t < table.Levels; t++)
        {
            long n = table[t, label];
            if (n == 0) continue;
            // P(t|y) log2 [P(t|y) / P(t)] = (n/n_y) log2 [n·N / (n_y·n_t)]
            d += (double)n / classTotal * Math.Log2((double)n * total / ((double)classTotal * levelTotals[t]));
        }
        return Math.Max(d, 0);
    }

    /// <summary>I(T; B) for a binary B, from n_t, m_t = n(t, B=1), m = n(B=1) and N.</summary>
    private static double BinaryMutualInformation(ReadOnlySpan<long> levelTotals, ReadOnlySpan<long> inA, long subsetTotal, long total)
    {
        long outTotal = total - subsetTotal;
        if (subsetTotal == 0 || outTotal == 0) return 0;
        double mi = 0;
        for (int t = 0; t < levelTotals.Length; t++)
        {
            long nt = levelTotals[t];
            if (nt == 0) continue;
            long m = inA[t], rest = nt - m;
            if (m > 0) mi += (double)m / total * Math.Log2((double)m * total / ((double)nt * subsetTotal));
            if (rest > 0) mi += (double)rest / total * Math.Log2((double)rest * total / ((double)nt * outTotal));
        }
        return Math.Max(mi, 0);
    }

    private static void LevelTotals(JointTable table, Span<long> levelTotals)
    {
        for (int t = 0; t < table.Levels; t++)
        {
            long n = 0;
            for (int y = 0; y < table.Classes; y++) n += table[t, y];
            levelTotals[t] = n;
        }
    }

    private static void ClassTotals(JointTable table, Span<long> classTotals)
    {
        classTotals.Clear();
        for (int t = 0; t < table.Levels; t++)
            for (int y = 0; y < table.Classes; y++) classTotals[y] += table[t, y];
    }

    /// <summary>(count/total)·log2(count/norm), with 0·log 0 = 0.</summary>
    private static double PLog2(long count, long total, long norm) =>
        count == 0 ? 0 : (double)count / total * Math.Log2((double)count / norm);
}
