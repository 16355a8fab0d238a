using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Measures each candidate group's <see cref="LayerSensitivity"/>: with the rest of the model whole
/// and in eval mode, the group's lowest-scoring units (by the method's own scores) are removed —
/// their consumers stop reading them, as surgery does — at a few fractions, and the rise of the
/// mean cross-entropy on a few hundred calibration samples is recorded. Only the part of the model
/// after the group runs per point (<see cref="LayerAblator"/>); nothing is trained.
/// </summary>
public static class SensitivityPass
{
    /// <summary>Samples the pass evaluates: enough for a loss that ranks layers, few enough to stay a small share of a run.</summary>
    public const int Samples = 512;

    /// <summary>Fractions of a group removed at the measured points (besides the most the constraints allow).</summary>
    public static readonly IReadOnlyList<double> RemovedFractions = [0.25, 0.5, 0.75];

    /// <summary>
    /// The sensitivity of every candidate group (prunable, scored, not excluded) on the first
    /// <see cref="Samples"/> samples of <paramref name="batches"/>.
    /// </summary>
    public static LayerSensitivity Run(DependencyGraph graph, IReadOnlyDictionary<int, double[]> scores, IEnumerable<Batch> batches,
        ConstraintsPolicy constraints, CancellationToken cancellation = default)
    {
        var samples = SampleSet.From(batches, Samples);
        var candidates = graph.PrunableGroups.Where(g => scores.ContainsKey(g.Id) && !constraints.Excludes(g.Producers)).ToList();
        var curves = new Dictionary<int, IReadOnlyDictionary<int, double>>();
        using var executor = GraphExecutor.Create(graph.Model);
        var noMeans = new Dictionary<string, float[]>();
        foreach (var group in candidates)
        {
            cancellation.ThrowIfCancellationRequested();
            using var ablator = LayerAblator.Create(executor, graph, group, noMeans, samples, batchSize: 256);
            if (ablator is null) continue;
            double baseline;
            try
            {
                baseline = ablator.Evaluate(Array.Empty<int>(), balanced: false).Loss;
            }
            catch (InfoPruneException ex) when (ex.Diagnostics.Any(d => d.Code == AllocationErrors.LossNeedsOneOutputPerClass && d.File == null))
            {
                // The problem is the model's output: point at the model file.
                throw new InfoPruneException(ex.Diagnostics.Select(d => d with { File = graph.Model.SourcePath }).ToList(), ex);
            }
            var ascending = ChannelSelector.Ascending(scores[group.Id]);
            var counts = RemovedFractions.Select(f => (int)Math.Ceiling(group.Size * (1 - f) - 1e-9))
                .Append(constraints.MinimumKept(group))
                .Where(k => k >= constraints.MinimumKept(group) && k < group.Size)
                .Distinct();
            var curve = new Dictionary<int, double>();
            foreach (var kept in counts)
                curve[kept] = ablator.Evaluate(ascending.Take(group.Size - kept).ToArray(), balanced: false).Loss - baseline;
            curves[group.Id] = curve;
        }
        return new LayerSensitivity(curves, candidates.ToDictionary(g => g.Id, g => g.Size));
    }
}
