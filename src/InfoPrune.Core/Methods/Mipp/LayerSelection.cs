using InfoPrune.Core.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>What TERC found for one layer: the units kept and the loss evidence behind each decision.</summary>
/// <param name="Keep">Units kept, ascending.</param>
/// <param name="Removed">Units removed, in the order they were removed (least informative first).</param>
/// <param name="RemovedIncrease">Mean loss change over the repeats after each removed unit was masked and the predictors retrained (≤ about 0: the loss recovered).</param>
/// <param name="KeptIncrease">The same for each unit tested and kept (the loss did not recover).</param>
/// <param name="Untested">Units kept without a test: the layer reached its minimum, or <c>stopAfterKept</c> units in a row were kept.</param>
/// <param name="FitLoss">Held-out loss of the predictors fitted on every unit (targets standardised: 1 is no better than the mean).</param>
/// <param name="FinalLoss">Held-out loss of the predictors on the kept units, after the last removal.</param>
/// <param name="Order">Every unit, least informative first (the single-unit predictors' held-out loss, highest first).</param>
internal sealed record LayerOutcome(int[] Keep, int[] Removed, double[] RemovedIncrease, double[] KeptIncrease, int Untested,
    double FitLoss, double FinalLoss, int[] Order);

/// <summary>
/// TERC with MI ordering for one pair of adjacent layers (the MIPP paper, Section 4.3): predictors
/// learn the next layer's activations from this layer's units; units are masked one at a time,
/// least informative first, the predictors briefly retrained, and a unit removed when the loss
/// recovers without it. The first fit and the ordering do not depend on α, so a search over α
/// reuses them (<see cref="FittedLayer"/>).
/// </summary>
internal static class LayerSelection
{
    private const int OrderingHidden = 32;
    private const int CheckEvery = 5;

    /// <summary>The standardised data and first fit of one layer against one target, reusable across α.</summary>
    internal sealed class FittedLayer : IDisposable
    {
        public required Tensor TrainX { get; init; }
        public required Tensor TrainY { get; init; }
        public required Tensor EvalX { get; init; }
        public required Tensor EvalY { get; init; }
        public required int[] Order { get; init; }
        public required Tensor[] Fit { get; init; }
        public required double[] FitLoss { get; init; }
        public required int Units { get; init; }
        public required int Targets { get; init; }

        public void Dispose()
        {
            foreach (var t in Fit.Append(TrainX).Append(TrainY).Append(EvalX).Append(EvalY)) t.Dispose();
        }
    }

    /// <summary>
    /// Standardises the sample, orders the units by their single-unit predictors and fits the
    /// repeats' predictors on every unit. Null when the target does not vary on the sample (there
    /// is nothing to preserve).
    /// </summary>
    /// <param name="x">The layer's units, [samples × units].</param>
    /// <param name="units">Units of the layer.</param>
    /// <param name="y">The next layer's kept activations, [samples × targets].</param>
    /// <param name="targets">Width of <paramref name="y"/>.</param>
    /// <param name="parameters">Predictor shape and training.</param>
    /// <param name="seed">Seed of the held-out split, the initialisation and the batch order.</param>
    /// <param name="cancellation">Checked every training step.</param>
    public static FittedLayer? Fit(float[] x, int units, float[] y, int targets, MippParameters parameters, int seed, CancellationToken cancellation)
    {
        var samples = x.Length / units;
        var (xs, _) = Standardise(x, units);
        var (ys, varying) = Standardise(y, targets);
        if (varying.Length == 0) return null;
        ys = Columns(ys, targets, varying);
        var width = varying.Length;

        // Each repeat holds out its own quarter of the sample (shifted folds of one seeded
        // permutation) and trains on the rest, so the repeats' losses vary as estimates do.
        var random = new Random(seed);
        var permutation = Enumerable.Range(0, samples).OrderBy(_ => random.Next()).ToArray();
        var repeats = parameters.Repeats;
        var held = samples < 8 ? samples : Math.Max(4, samples / 4);
        var evalRows = new int[repeats][];
        var trainRows = new int[repeats][];
        for (var r = 0; r < repeats; r++)
        {
            var offset = (int)((long)r * samples / repeats);
            var fold = Enumerable.Range(0, held).Select(i => permutation[(offset + i) % samples]).ToArray();
            evalRows[r] = fold;
            var inFold = fold.ToHashSet();
            trainRows[r] = samples < 8 ? fold : permutation.Where(i => !inFold.Contains(i)).ToArray();
        }
        var trainCount = trainRows[0].Length;
        using var outer = NewDisposeScope();
        Tensor Stack(float[] values, int columns, int[][] rows, int count) =>
            torch.tensor(Gather(values, columns, rows), new long[] { repeats, count, columns });
        var trainX = Stack(xs, units, trainRows, trainCount);
        var trainY = Stack(ys, width, trainRows, trainCount);
        var evalX = Stack(xs, units, evalRows, held);
        var evalY = Stack(ys, width, evalRows, held);

        // MI ordering: one small predictor per unit (on the first repeat's split), all trained at
        // once; the highest held-out loss is the least information.
        int[] order;
        using (var single = new PredictorEnsemble(units, 1, new[] { OrderingHidden }, width, seed + 1))
        {
            single.Train(trainX[0].t().unsqueeze(2), trainY.narrow(0, 0, 1), parameters.OrderingSteps, parameters.BatchSize,
                parameters.LearningRate * 10, new Random(seed + 2), cancellation);
            var losses = single.Loss(evalX[0].t().unsqueeze(2), evalY.narrow(0, 0, 1));
            order = Enumerable.Range(0, units).OrderByDescending(u => losses[u]).ThenBy(u => u).ToArray();
        }

        using var full = new PredictorEnsemble(repeats, units, parameters.Hidden, width, seed + 3);
        full.Train(trainX, trainY, parameters.FitSteps, parameters.BatchSize, parameters.LearningRate, new Random(seed + 4), cancellation);
        var fitLoss = full.Loss(evalX, evalY);
        return new FittedLayer
        {
            TrainX = trainX.DetachFromDisposeScope(), TrainY = trainY.DetachFromDisposeScope(),
            EvalX = evalX.DetachFromDisposeScope(), EvalY = evalY.DetachFromDisposeScope(),
            Order = order, Fit = full.Snapshot(), FitLoss = fitLoss, Units = units, Targets = width,
        };
    }

    /// <summary>
    /// TERC at confidence <paramref name="alpha"/> from a fitted layer: keeps at least
    /// <paramref name="minimumKept"/> units (never 0), removes at most what the test allows.
    /// </summary>
    public static LayerOutcome Select(FittedLayer fitted, MippParameters parameters, double alpha, int minimumKept, int seed,
        CancellationToken cancellation)
    {
        var units = fitted.Units;
        var critical = StudentT.Quantile(alpha, parameters.Repeats - 1);
        using var full = new PredictorEnsemble(parameters.Repeats, units, parameters.Hidden, fitted.Targets, seed + 3);
        full.Restore(fitted.Fit.Select(t => t.clone().DetachFromDisposeScope()).ToArray());
        var mask = Enumerable.Repeat(1f, units).ToArray();
        var baseline = fitted.FitLoss;
        var batches = new Random(seed + 5);
        var removed = new List<int>();
        var removedIncrease = new List<double>();
        var keptIncrease = new List<double>();
        var kept = units;
        var keptInARow = 0;
        var tested = 0;
        foreach (var unit in fitted.Order)
        {
            if (kept <= Math.Max(1, minimumKept)) break;
            if (parameters.StopAfterKept > 0 && keptInARow >= parameters.StopAfterKept) break;
            cancellation.ThrowIfCancellationRequested();
            tested++;
            mask[unit] = 0;
            using var scope = NewDisposeScope();
            var maskTensor = torch.tensor(mask);
            var trainX = fitted.TrainX.mul(maskTensor);
            var evalX = fitted.EvalX.mul(maskTensor);
            var snapshot = full.Snapshot();
            double[] current = baseline;
            bool Recovered()
            {
                current = full.Loss(evalX, fitted.EvalY);
                return !Transfers(current, baseline, critical);
            }
            full.Train(trainX, fitted.TrainY, parameters.RetrainSteps, parameters.BatchSize, parameters.LearningRate, batches, cancellation,
                CheckEvery, Recovered);
            current = full.Loss(evalX, fitted.EvalY);
            var increase = Enumerable.Range(0, current.Length).Average(r => current[r] - baseline[r]);
            if (Transfers(current, baseline, critical))
            {
                full.Restore(snapshot);
                mask[unit] = 1;
                keptIncrease.Add(increase);
                keptInARow++;
            }
            else
            {
                foreach (var t in snapshot) t.Dispose();
                baseline = current;
                removed.Add(unit);
                removedIncrease.Add(increase);
                kept--;
                keptInARow = 0;
            }
        }
        var keep = Enumerable.Range(0, units).Where(u => mask[u] == 1).ToArray();
        return new LayerOutcome(keep, removed.ToArray(), removedIncrease.ToArray(), keptIncrease.ToArray(), units - tested,
            fitted.FitLoss.Average(), baseline.Average(), fitted.Order);
    }

    /// <summary>
    /// True when, at the confidence of <paramref name="critical"/> (Student's t quantile), the loss
    /// without the unit is above the loss with it: the lower confidence bound of the paired
    /// increase over the repeats is above 0.
    /// </summary>
    internal static bool Transfers(IReadOnlyList<double> without, IReadOnlyList<double> with, double critical)
    {
        var n = without.Count;
        var increases = Enumerable.Range(0, n).Select(r => without[r] - with[r]).ToArray();
        var mean = increases.Average();
        var variance = increases.Sum(d => (d - mean) * (d - mean)) / (n - 1);
        return mean - critical * Math.Sqrt(variance / n) > 0;
    }

    /// <summary>
    /// Columns standardised to mean 0 and deviation 1 over the sample; a constant column becomes 0
    /// (it carries nothing) and is left out of <c>Varying</c>.
    /// </summary>
    private static (float[] Values, int[] Varying) Standardise(float[] values, int width)
    {
        var rows = values.Length / width;
        var mean = new double[width];
        var deviation = new double[width];
        for (var row = 0; row < rows; row++)
            for (var c = 0; c < width; c++) mean[c] += values[row * width + c];
        for (var c = 0; c < width; c++) mean[c] /= rows;
        for (var row = 0; row < rows; row++)
            for (var c = 0; c < width; c++) { var d = values[row * width + c] - mean[c]; deviation[c] += d * d; }
        for (var c = 0; c < width; c++) deviation[c] = Math.Sqrt(deviation[c] / rows);
        var varying = Enumerable.Range(0, width).Where(c => deviation[c] > 1e-6 * Math.Max(1, Math.Abs(mean[c]))).ToArray();
        var result = new float[values.Length];
        for (var row = 0; row < rows; row++)
            foreach (var c in varying) result[row * width + c] = (float)((values[row * width + c] - mean[c]) / deviation[c]);
        return (result, varying);
    }

    /// <summary>The rows of every repeat, one after the other: [repeats × rows × width].</summary>
    private static float[] Gather(float[] values, int width, int[][] rows)
    {
        var result = new float[rows.Sum(r => r.Length) * width];
        var at = 0;
        foreach (var set in rows)
            foreach (var row in set)
            {
                Array.Copy(values, row * width, result, at, width);
                at += width;
            }
        return result;
    }

    private static float[] Columns(float[] rows, int width, int[] columns)
    {
        var count = rows.Length / width;
        var result = new float[count * columns.Length];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < columns.Length; j++) result[i * columns.Length + j] = rows[i * width + columns[j]];
        return result;
    }
}
