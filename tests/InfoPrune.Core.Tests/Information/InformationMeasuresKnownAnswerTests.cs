using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

public class InformationMeasuresKnownAnswerTests
{
    private const double Tolerance = 1e-12;

    private static double BinaryEntropy(double p) => p <= 0 || p >= 1 ? 0 : -p * Math.Log2(p) - (1 - p) * Math.Log2(1 - p);

    /// <summary>Streams a single unit (values as given) through a quantizer into counts.</summary>
    private static JointCounts Stream(Quantizer quantizer, float[] values, int[] labels, int classes)
    {
        var counts = new JointCounts(new[] { quantizer }, classes);
        counts.Add(values, labels);
        return counts;
    }

    [Fact]
    public void UnitCopyingBalancedBinaryLabelHasOneBitOfMutualInformation()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 2).ToArray();
        var sigmoidOutputs = labels.Select(y => y == 1 ? 0.9f : 0.1f).ToArray();
        var table = Stream(ThresholdQuantizer.ForActivation("Sigmoid", default), sigmoidOutputs, labels, 2).Table(0);

        Assert.Equal(1.0, InformationMeasures.Entropy(table), Tolerance);
        Assert.Equal(1.0, InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(1.0, InformationMeasures.JsSubsetSeparation(table), Tolerance);
        Assert.Equal(1.0, InformationMeasures.LabeledMi(table), Tolerance);
    }

    [Fact]
    public void IndependentUnitHasMutualInformationWithinTheSampleSizeBound()
    {
        const int n = 20000, classes = 10;
        var random = new Random(7);
        var labels = new int[n];
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.Next(classes);
            values[i] = (float)random.NextDouble() - 0.5f;
        }
        var table = Stream(new ThresholdQuantizer(0f), values, labels, classes).Table(0);

        // Under independence 2N·ln2·Î ~ χ² with (|T|−1)(C−1) degrees of freedom; allow mean + 10 sd.
        double df = (2 - 1) * (classes - 1);
        double bound = (df + 10 * Math.Sqrt(2 * df)) / (2 * n * Math.Log(2));
        double mi = InformationMeasures.MutualInformation(table);
        Assert.InRange(mi, 0, bound);
        Assert.True(InformationMeasures.Entropy(table) > 0.99, "the unit itself is a fair coin");
    }

    [Fact]
    public void SmallTableHasTextbookMutualInformation()
    {
        // P(T,Y) = [[3,1],[1,3]]/8: I = 1 − h(1/4).
        var table = new JointTable(new long[] { 3, 1, 1, 3 }, 2, 2);
        Assert.Equal(1 - BinaryEntropy(0.25), InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(1.0, InformationMeasures.Entropy(table), Tolerance);
    }

    [Fact]
    public void CatNeuronFiringForOneOfFourClassesHasTwoBitsOfKlSelectivity()
    {
        // Balanced 4 classes; T = 1 exactly when Y = 0. P(T=1) = 1/4, so D(P_{T|Y=0} ‖ P_T) = log2 4 = 2,
        // while I(T;Y) = H(T) = h(1/4): selectivity sees what MI dilutes (Section 4.3).
        var table = new JointTable(new long[] { 0, 25, 25, 25, 25, 0, 0, 0 }, 2, 4);
        double h = BinaryEntropy(0.25);
        Assert.Equal(2.0, InformationMeasures.KlSelectivity(table), Tolerance);
        Assert.Equal(2.0, InformationMeasures.SpecificInformation(table, 0), Tolerance);
        Assert.Equal(h, InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(h, InformationMeasures.LabeledMi(table), Tolerance);
        Assert.Equal(h, InformationMeasures.JsSubsetSeparation(table), Tolerance);
    }

    [Fact]
    public void CatNeuronForTheLastClassIsFoundByEveryClassWiseMeasure()
    {
        // The same cat neuron as above, but selective for class 3: the maxima must reach the last class.
        var table = new JointTable(new long[] { 25, 25, 25, 0, 0, 0, 0, 25 }, 2, 4);
        Assert.Equal(2.0, InformationMeasures.KlSelectivity(table), Tolerance);
        Assert.Equal(BinaryEntropy(0.25), InformationMeasures.LabeledMi(table), Tolerance);
        Assert.Equal(BinaryEntropy(0.25), InformationMeasures.JsSubsetSeparation(table), Tolerance);
    }

    [Fact]
    public void UnitSplittingFourClassesInHalvesHasOneBitOfJsSeparationButLessLabeledMi()
    {
        // T = 1[Y ∈ {0,1}] over balanced classes: the best subset is A = {0,1} (1 bit). A single class
        // does worse: I(T;1[Y=0]) = H(1[Y=0]) − H(1[Y=0]|T) = h(1/4) − ½·h(1/2) = h(1/4) − ½.
        var table = new JointTable(new long[] { 0, 0, 25, 25, 25, 25, 0, 0 }, 2, 4);
        Assert.Equal(1.0, InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(1.0, InformationMeasures.JsSubsetSeparation(table), Tolerance);
        Assert.Equal(BinaryEntropy(0.25) - 0.5, InformationMeasures.LabeledMi(table), Tolerance);
    }

    [Fact]
    public void KlSelectivityEqualsMutualInformationWithNonZeroMiWhenEveryClassIsEquallySpecific()
    {
        // Lemma 2 states equality only at I = 0, but its proof gives max ≥ average with equality whenever
        // all specific informations agree: a copy of a balanced binary label has KL selectivity = I = 1 bit.
        var table = new JointTable(new long[] { 50, 0, 0, 50 }, 2, 2);
        Assert.Equal(1.0, InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(InformationMeasures.MutualInformation(table), InformationMeasures.KlSelectivity(table), Tolerance);
    }

    [Fact]
    public void ZeroMutualInformationGivesZeroKlSelectivity()
    {
        // Product table: P(t|y) = P(t) for every class (Lemma 2, the "if" direction).
        var table = new JointTable(new long[] { 2, 4, 6, 3, 6, 9 }, 2, 3);
        Assert.Equal(0.0, InformationMeasures.MutualInformation(table), Tolerance);
        Assert.Equal(0.0, InformationMeasures.KlSelectivity(table), Tolerance);
        Assert.True(InformationMeasures.Entropy(table) > 0.9);
    }

    [Fact]
    public void EmptyLevelsAndAbsentClassesContributeNothing()
    {
        // Level 1 of 3 and class 2 of 3 are empty; the result equals the 2×2 table without them.
        var padded = new JointTable(new long[] { 3, 1, 0, 0, 0, 0, 1, 3, 0 }, 3, 3);
        var compact = new JointTable(new long[] { 3, 1, 1, 3 }, 2, 2);
        foreach (var measure in Enum.GetValues<NeuronMeasure>())
            Assert.Equal(InformationMeasures.Compute(compact, measure), InformationMeasures.Compute(padded, measure), Tolerance);
    }

    [Fact]
    public void EmptyTableScoresZeroOnEveryMeasure()
    {
        var table = new JointTable(new long[6], 2, 3);
        foreach (var measure in Enum.GetValues<NeuronMeasure>())
            Assert.Equal(0.0, InformationMeasures.Compute(table, measure));
    }

    [Fact]
    public void ConstantUnitHasZeroOnEveryMeasure()
    {
        var table = new JointTable(new long[] { 0, 0, 0, 10, 20, 30 }, 2, 3);
        foreach (var measure in Enum.GetValues<NeuronMeasure>())
            Assert.Equal(0.0, InformationMeasures.Compute(table, measure), Tolerance);
    }

    [Fact]
    public void JsSeparationIsComputedForSixteenClasses()
    {
        // T = 1[Y < 8] over 16 balanced classes: the half split gives 1 bit.
        const int classes = 16;
        var counts = new long[2 * classes];
        for (int y = 0; y < classes; y++) counts[(y < 8 ? 1 : 0) * classes + y] = 10;
        var table = new JointTable(counts, 2, classes);
        Assert.Equal(1.0, InformationMeasures.JsSubsetSeparation(table), Tolerance);
    }

    [Fact]
    public void JsSeparationOverSeventeenClassesIsRefusedWithIp0500()
    {
        var counts = new long[2 * 17];
        counts[0] = 1;
        var table = new JointTable(counts, 2, 17);
        InfoPruneException? error = null;
        try { InformationMeasures.JsSubsetSeparation(table); }
        catch (InfoPruneException e) { error = e; }
        Assert.NotNull(error);
        Assert.Equal("IP0500", error!.Code.Id);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void ScoreRefusesJsSeparationForManyClassesBeforeComputingAnything()
    {
        var counts = new JointCounts(new Quantizer[] { new ThresholdQuantizer(0), new ThresholdQuantizer(0) }, 40);
        var error = Assert.Throws<InfoPruneException>(() => InformationMeasures.Score(counts, NeuronMeasure.JsSeparation));
        Assert.Equal(InformationErrors.TooManyClassesForSubsetSeparation, error.Code);
        // The other measures are fine with many classes.
        Assert.Equal(2, InformationMeasures.Score(counts, NeuronMeasure.LabeledMi).Length);
    }

    [Fact]
    public void ScoreReturnsEachUnitsMeasureInUnitOrder()
    {
        // Unit 0 copies the label, unit 1 is constant, unit 2 is the inverted label.
        var labels = new[] { 0, 1, 0, 1, 1, 0, 1, 0 };
        var values = new float[labels.Length * 3];
        for (int r = 0; r < labels.Length; r++)
        {
            values[r * 3 + 0] = labels[r];
            values[r * 3 + 1] = 0.25f;
            values[r * 3 + 2] = 1 - labels[r];
        }
        var counts = new JointCounts(QuantizerFitting.Thresholds(values, 3, "Sigmoid"), 2);
        counts.Add(values, labels);

        var scores = InformationMeasures.Score(counts, NeuronMeasure.MutualInformation);
        Assert.Equal(new[] { 1.0, 0.0, 1.0 }, scores.Select(s => Math.Round(s, 12)));
    }

    [Fact]
    public void KlAndJsDivergencesMatchHandComputedValues()
    {
        double[] p = { 0.5, 0.5 }, q = { 0.25, 0.75 };
        double expectedKl = 0.5 * Math.Log2(0.5 / 0.25) + 0.5 * Math.Log2(0.5 / 0.75);
        Assert.Equal(expectedKl, InformationMeasures.KlDivergence(p, q), Tolerance);
        Assert.Equal(double.PositiveInfinity, InformationMeasures.KlDivergence(p, new[] { 1.0, 0.0 }));
        // Disjoint supports with equal weights: JS = 1 bit.
        Assert.Equal(1.0, InformationMeasures.JsDivergence(new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 }, 0.5), Tolerance);
        Assert.Equal(0.0, InformationMeasures.JsDivergence(p, p, 0.3), Tolerance);
    }
}
