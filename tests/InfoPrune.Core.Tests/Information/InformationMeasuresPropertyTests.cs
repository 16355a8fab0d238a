using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

/// <summary>The paper's lemmas and orderings, checked over many seeded random joint distributions.</summary>
public class InformationMeasuresPropertyTests
{
    private const int Seeds = 400;
    private const double Slack = 1e-10;

    [Fact]
    public void KlSelectivityBoundsMutualInformationFromAboveOnRandomTables()
    {
        // Lemma 2: max_y D(P_{T|Y=y} ‖ P_T) ≥ I(T;Y), since I is the P_Y-average of those divergences (eq. 12).
        int strict = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            double mi = InformationMeasures.MutualInformation(table);
            double kl = InformationMeasures.KlSelectivity(table);
            Assert.True(kl >= mi - Slack, $"seed {seed}: KL selectivity {kl} < MI {mi}");
            if (kl > mi + 1e-9) strict++;
        }
        Assert.True(strict > Seeds / 2, "most random tables should have a strict gap, or the check is vacuous");
    }

    [Fact]
    public void KlSelectivityEqualsMutualInformationExactlyWhenAllSpecificInformationsAgree()
    {
        // Equality in Lemma 2 holds iff every occurring class has the same specific information;
        // I = 0 is one such case (all are 0), the balanced-copy table another.
        int zeroMiTables = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            double mi = InformationMeasures.MutualInformation(table);
            double kl = InformationMeasures.KlSelectivity(table);

            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int y = 0; y < classes; y++)
            {
                long classTotal = 0;
                for (int t = 0; t < levels; t++) classTotal += table[t, y];
                if (classTotal == 0) continue;
                double d = InformationMeasures.SpecificInformation(table, y);
                min = Math.Min(min, d);
                max = Math.Max(max, d);
            }
            bool allAgree = max - min < 1e-9;
            bool equal = Math.Abs(kl - mi) < 1e-9;
            Assert.True(allAgree == equal, $"seed {seed}: KL {kl}, MI {mi}, specific informations in [{min}, {max}]");

            if (mi < 1e-12)
            {
                zeroMiTables++;
                Assert.True(kl < 1e-9, $"seed {seed}: MI is 0 but KL selectivity is {kl}");
            }
            else if (!allAgree)
            {
                Assert.True(kl > mi, $"seed {seed}: MI {mi} > 0 with differing specific informations must be strictly below KL {kl}");
            }
        }
        Assert.True(zeroMiTables >= Seeds / 5, "the product tables should give zero MI");
    }

    [Fact]
    public void JsDivergenceOfEverySubsetEqualsIndicatorMutualInformation()
    {
        // Lemma 3 (eq. 14b): D_{JS,P_Y(A)}(P_{T|Y∈A} ‖ P_{T|Y∉A}) = I(T; 1[Y∈A]) for every A.
        for (int seed = 0; seed < Seeds / 2; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            for (int mask = 1; mask < (1 << classes) - 1; mask++)
            {
                var subset = RandomTables.SubsetFromMask(mask, classes);
                double js = InformationMeasures.SubsetJsDivergence(table, subset);
                double mi = InformationMeasures.IndicatorMutualInformation(table, subset);
                Assert.True(Math.Abs(js - mi) < Slack, $"seed {seed}, subset {mask}: JS {js} vs I(T;1[Y∈A]) {mi}");
            }
        }
    }

    [Fact]
    public void JsSubsetSeparationIsTheMaximumOverAllSubsetsByBruteForce()
    {
        // The Gray-code walk visits one subset of each complementary pair; brute force visits all 2^C.
        for (int seed = 0; seed < Seeds / 2; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed, maxClasses: 9);
            var table = new JointTable(counts, levels, classes);
            double best = 0;
            for (int mask = 1; mask < (1 << classes) - 1; mask++)
                best = Math.Max(best, InformationMeasures.SubsetJsDivergence(table, RandomTables.SubsetFromMask(mask, classes)));
            Assert.True(Math.Abs(best - InformationMeasures.JsSubsetSeparation(table)) < Slack, $"seed {seed}");
        }
    }

    [Fact]
    public void LabeledMiIsTheMaximumOverSingleClassIndicators()
    {
        // Eq. (16) by brute force over the singleton subsets {c}, using the JS form of Lemma 3.
        for (int seed = 0; seed < Seeds; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            double best = 0;
            for (int c = 0; c < classes; c++)
                best = Math.Max(best, InformationMeasures.SubsetJsDivergence(table, RandomTables.SubsetFromMask(1 << c, classes)));
            Assert.True(Math.Abs(best - InformationMeasures.LabeledMi(table)) < Slack, $"seed {seed}");
        }
    }

    [Fact]
    public void MeasuresAreOrderedEntropyMutualInformationJsSeparationLabeledMi()
    {
        // Appendix B.3, eq. (19): H(T) ≥ I(T;Y) ≥ max_A I(T;1[Y∈A]) ≥ max_c I(T;1[Y=c]).
        int strictChains = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            double h = InformationMeasures.Entropy(table);
            double mi = InformationMeasures.MutualInformation(table);
            double js = InformationMeasures.JsSubsetSeparation(table);
            double labeled = InformationMeasures.LabeledMi(table);
            Assert.True(h >= mi - Slack, $"seed {seed}: H {h} < I {mi}");
            Assert.True(mi >= js - Slack, $"seed {seed}: I {mi} < JS {js}");
            Assert.True(js >= labeled - Slack, $"seed {seed}: JS {js} < labelled MI {labeled}");
            Assert.True(labeled >= 0, $"seed {seed}: negative labelled MI");
            if (h > mi + 1e-9 && mi > js + 1e-9 && classes > 3) strictChains++;
        }
        Assert.True(strictChains > 10, "some random tables should separate the measures, or the ordering check is vacuous");
    }

    [Fact]
    public void MutualInformationNeverExceedsTheLabelEntropyOrTheLevelCount()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var (counts, levels, classes) = RandomTables.Create(seed);
            var table = new JointTable(counts, levels, classes);
            double h = InformationMeasures.Entropy(table);
            Assert.InRange(h, 0, Math.Log2(levels) + Slack);
            // I(T;Y) ≤ H(Y) ≤ log2 C: swap the roles of T and Y by transposing the table.
            var transposed = new long[counts.Length];
            for (int t = 0; t < levels; t++)
                for (int y = 0; y < classes; y++) transposed[y * levels + t] = counts[t * classes + y];
            var swapped = new JointTable(transposed, classes, levels);
            double labelEntropy = InformationMeasures.Entropy(swapped);
            double mi = InformationMeasures.MutualInformation(table);
            Assert.True(mi <= labelEntropy + Slack, $"seed {seed}");
            Assert.Equal(mi, InformationMeasures.MutualInformation(swapped), 1e-10);
        }
    }
}
