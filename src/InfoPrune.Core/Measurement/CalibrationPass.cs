using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// The Measure step: one streamed pass over labelled calibration batches (eval mode, no
/// gradients, one DisposeScope per batch) that captures, for every prunable group, the value its
/// consumer reads, collapses each channel to one number per sample, and accumulates the joint
/// counts with the label and the per-entry means. Memory is O(groups × units × levels × classes)
/// plus one batch and the quantizer-fitting buffer — independent of how many batches stream by.
/// </summary>
public static class CalibrationPass
{
    /// <summary>
    /// Runs the pass for a method: the joint counts when it declares <paramref name="options"/>,
    /// and its own <paramref name="accumulators"/>, all from the same batches in one pass.
    /// </summary>
    /// <returns>The joint-count measurements, or null when <paramref name="options"/> is null.</returns>
    public static ActivationMeasurements? Run(GraphExecutor executor, DependencyGraph graph, IEnumerable<Batch> batches,
        MeasurementOptions? options, IReadOnlyList<IBatchAccumulator> accumulators)
    {
        if (options is null)
        {
            Stream(executor, batches, accumulators);
            return null;
        }
        return Count(executor, graph, batches, options, accumulators);
    }

    /// <summary>
    /// The pass itself: every batch through <paramref name="executor"/> once (eval mode, no
    /// gradients, one DisposeScope per batch), every value an accumulator reads captured and
    /// handed to it with the labels.
    /// </summary>
    /// <returns>The number of samples seen.</returns>
    public static long Stream(GraphExecutor executor, IEnumerable<Batch> batches, IReadOnlyList<IBatchAccumulator> accumulators)
    {
        var capture = accumulators.SelectMany(a => a.Values).Distinct(StringComparer.Ordinal).ToArray();
        long samples = 0;
        var wasTraining = executor.Training;
        executor.Training = false;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var batch in batches)
            {
                // A method that keeps a bounded sample needs no forward passes once it has it.
                if (accumulators.Count > 0 && accumulators.All(a => a.IsComplete)) break;
                using var scope = NewDisposeScope();
                var input = torch.tensor(batch.Images, batch.Shape);
                var (_, captured) = executor.ForwardCapturing(new[] { input }, capture);
                var labels = batch.Labels.Select(l => checked((int)l)).ToArray();
                foreach (var accumulator in accumulators) accumulator.Add(captured, labels);
                samples += batch.Count;
            }
        }
        finally
        {
            executor.Training = wasTraining;
        }
        if (samples == 0)
            throw new InfoPruneException(MeasurementErrors.NoCalibrationSamples, "The calibration data has no samples; the pruning method needs labelled samples to measure the model.");
        return samples;
    }

    /// <summary>Measures <paramref name="graph"/>'s prunable groups on <paramref name="batches"/> with the model <paramref name="executor"/> runs.</summary>
    public static ActivationMeasurements Run(GraphExecutor executor, DependencyGraph graph, IEnumerable<Batch> batches, MeasurementOptions? options = null)
        => Count(executor, graph, batches, options ?? MeasurementOptions.Default, Array.Empty<IBatchAccumulator>());

    /// <summary>The joint counts and entry means, with <paramref name="others"/> riding the same pass.</summary>
    private static ActivationMeasurements Count(GraphExecutor executor, DependencyGraph graph, IEnumerable<Batch> batches, MeasurementOptions options,
        IReadOnlyList<IBatchAccumulator> others)
    {
        var classes = options.ClassCount ?? ClassCountOf(graph);
        var probes = UnitProbeFinder.ForPrunableGroups(graph);
        var counts = probes.ToDictionary(p => p.Key,
            p => new GroupCountsAccumulator(graph.Groups[p.Key].Size, classes, p.Value.Activation, options,
                collapsed: p.Value.Block > 1 || (graph.Shapes.TryGetValue(p.Value.Value, out var shape) && shape.Length > 2)));
        var means = UnitProbeFinder.ConsumedValues(graph)
            .ToDictionary(v => v, v => new EntryMeanAccumulator(graph.Spaces[v].Width), StringComparer.Ordinal);
        var widths = probes.Values.Select(p => (p.Value, p.Width)).Concat(means.Keys.Select(v => (Value: v, graph.Spaces[v].Width)))
            .Distinct().ToDictionary(x => x.Value, x => x.Width, StringComparer.Ordinal);
        var counting = new BatchAction(widths.Keys.ToArray(), (captured, batchLabels) =>
            {
                var labels = batchLabels as int[] ?? batchLabels.ToArray();
                foreach (var (name, width) in widths)
                {
                    var value = captured[name];
                    if (value.dim() < 2 || value.shape[1] != width)
                        throw new InfoPruneException(MeasurementErrors.UnexpectedActivationShape,
                            $"value '{name}' has shape [{string.Join(", ", value.shape)}] at run time, but the analysis traced {width} entries on axis 1");
                    if (means.TryGetValue(name, out var mean)) mean.Add(value);
                }
                foreach (var (groupId, probe) in probes)
                    counts[groupId].Add(Collapse(captured[probe.Value], probe, graph.Groups[groupId].Size, options.Collapse), labels);
            });
        var samples = Stream(executor, batches, [counting, .. others]);

        var groups = probes.ToDictionary(p => p.Key, p =>
        {
            var accumulator = counts[p.Key];
            var jointCounts = accumulator.Finish();
            return new GroupMeasurement(p.Value, graph.Groups[p.Key].Name, jointCounts, accumulator.Quantizers!);
        });
        return new ActivationMeasurements(groups, means.ToDictionary(m => m.Key, m => m.Value.Means(), StringComparer.Ordinal), samples, classes);
    }

    /// <summary>
    /// One group's channels of a captured value as [N × channels] floats: the group's slice of axis 1,
    /// each channel's Block entries with all their trailing positions collapsed to one number.
    /// </summary>
    internal static float[] Collapse(Tensor value, UnitProbe probe, int channels, ChannelCollapseMode mode)
    {
        using var scope = NewDisposeScope();
        var n = value.shape[0];
        var flat = value.reshape(n, -1);
        var trailing = flat.shape[1] / probe.Width;
        var slice = flat.narrow(1, probe.EntryOffset * trailing, channels * probe.Block * trailing).reshape(n, channels, -1);
        var collapsed = mode switch
        {
            ChannelCollapseMode.Mean => slice.mean(new long[] { 2 }),
            ChannelCollapseMode.L1 => slice.abs().sum(2),
            ChannelCollapseMode.L2 => slice.square().sum(2).sqrt(),
            ChannelCollapseMode.Max => slice.amax(2),
            ChannelCollapseMode.StandardDeviation => slice.std(2, unbiased: false),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        return collapsed.contiguous().cpu().data<float>().ToArray();
    }

    /// <summary>An accumulator written in place: the values it reads and what it does with each batch.</summary>
    private sealed record BatchAction(IReadOnlyCollection<string> Values, Action<IReadOnlyDictionary<string, Tensor>, IReadOnlyList<int>> OnBatch) : IBatchAccumulator
    {
        public void Add(IReadOnlyDictionary<string, Tensor> captured, IReadOnlyList<int> labels) => OnBatch(captured, labels);
    }

    /// <summary>C from the width of the model's first output (logits [N, C]).</summary>
    private static int ClassCountOf(DependencyGraph graph)
    {
        var output = graph.Model.Graph.Outputs.FirstOrDefault();
        if (output != null && graph.Shapes.TryGetValue(output.Name, out var shape) && shape.Length >= 2 && shape[^1] > 1)
            return checked((int)shape[^1]);
        throw new InfoPruneException(MeasurementErrors.UnknownClassCount,
            "cannot read the class count from the model's first output; give it in the measurement options");
    }
}
