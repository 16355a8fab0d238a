using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>
/// Measures accuracy with a chosen set of one layer's units ablated. Ablating a unit means its
/// consumers stop reading it — exactly what removing it by surgery does — done here by zeroing
/// the consumers' input weights for it, in place, so there is no model to rebuild per step and
/// even 100% can be ablated. With bias balancing the unit is read as its calibration mean
/// instead: the mean times the zeroed weights is added to the consumer's bias (eq. 7). Only the
/// part of the model after the frontier runs (<see cref="DownstreamModel"/>); the frontier
/// values of the evaluation samples are computed once.
/// </summary>
internal sealed class LayerAblator : IDisposable
{
    private sealed record ConsumerSlice(Tensor Live, Tensor Original, int Axis, int? OutputAxis, long Offset, long Block, Tensor? Means, Tensor? Bias, Tensor? OriginalBias);

    private readonly GraphExecutor _downstream;
    private readonly IReadOnlyList<ConsumerSlice> _slices;
    private readonly IReadOnlyList<(Tensor[] Inputs, Tensor Labels)> _batches;
    private readonly int _sampleCount;

    private LayerAblator(GraphExecutor downstream, IReadOnlyList<ConsumerSlice> slices, IReadOnlyList<(Tensor[], Tensor)> batches, int sampleCount, bool canBalance)
    {
        _downstream = downstream;
        _slices = slices;
        _batches = batches;
        _sampleCount = sampleCount;
        CanBalance = canBalance;
    }

    /// <summary>Units in the layer.</summary>
    public int Units { get; private init; }

    /// <summary>False when a consumer has no bias to fold means into (MatMul) or no measured means.</summary>
    public bool CanBalance { get; }

    /// <summary>
    /// Prepares ablation of <paramref name="group"/>'s units on <paramref name="evaluation"/>:
    /// computes the frontier values with <paramref name="full"/> (the whole model) and compiles the
    /// downstream part. Null when nothing reads the group through a weight.
    /// </summary>
    public static LayerAblator? Create(GraphExecutor full, DependencyGraph graph, ChannelGroup group,
        IReadOnlyDictionary<string, float[]> means, SampleSet evaluation, int batchSize)
    {
        var members = group.Members.Where(m => m.Role == MemberRole.Consumer).ToList();
        if (members.Count == 0) return null;
        var model = graph.Model;
        var consumerNodes = members.Select(m => m.Node).ToHashSet(StringComparer.Ordinal);
        var frontier = DownstreamModel.Frontier(model.Graph, consumerNodes);

        var batches = new List<(Tensor[], Tensor)>();
        var types = new Dictionary<string, (TensorElementType, int)>(StringComparer.Ordinal);
        var wasTraining = full.Training;
        full.Training = false;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var batch in evaluation.Batches(batchSize))
            {
                using var scope = NewDisposeScope();
                var (_, captured) = full.ForwardCapturing(new[] { torch.tensor(batch.Images, batch.Shape) }, frontier);
                var inputs = frontier.Select(name => captured[name].clone()).ToArray();
                foreach (var (name, value) in frontier.Zip(inputs)) types[name] = (ElementType(value.dtype), (int)value.dim());
                var labels = torch.tensor(batch.Labels, device: full.Device);
                batches.Add((inputs.Select(t => t.DetachFromDisposeScope()).ToArray(), labels.DetachFromDisposeScope()));
            }
        }
        finally
        {
            full.Training = wasTraining;
        }

        var outputAxes = members.ToDictionary(m => m.Node, m => OutputAxis(graph, m.Node), StringComparer.Ordinal);
        var outputWidths = members.Where(m => outputAxes[m.Node] is not null)
            .ToDictionary(m => m.Node, m => model.Graph.Initializers[m.Initializer].Shape[outputAxes[m.Node]!.Value], StringComparer.Ordinal);
        var downstream = DownstreamModel.Build(model, consumerNodes, types, outputWidths, graph.Registry);
        var executor = GraphExecutor.Create(downstream.Model, full.Device);

        var canBalance = true;
        var slices = new List<ConsumerSlice>();
        foreach (var member in members)
        {
            var live = executor.Initializer(member.Initializer);
            var axis = member.Axis;
            Tensor? meanVector = null;
            if (member.ConsumedValue != null && means.TryGetValue(member.ConsumedValue, out var m) && m.Length == live.shape[axis])
                meanVector = torch.tensor(m, device: executor.Device);
            Tensor? bias = downstream.BiasOf.TryGetValue(member.Node, out var biasName) ? executor.Initializer(biasName) : null;
            if (meanVector is null || bias is null) canBalance = false;
            slices.Add(new ConsumerSlice(live, live.detach().clone(), axis, outputAxes[member.Node],
                member.Offset, member.Block, meanVector, bias, bias?.detach().clone()));
        }
        return new LayerAblator(executor, slices, batches, evaluation.Count, canBalance) { Units = group.Size };
    }

    /// <summary>Top-1 accuracy on the evaluation samples with <paramref name="ablated"/> units ablated, to zero or (balanced) to their mean.</summary>
    public double Accuracy(IReadOnlyCollection<int> ablated, bool balanced) => Run(ablated, balanced, withLoss: false).Accuracy;

    /// <summary>
    /// Top-1 accuracy and mean cross-entropy (nats) on the evaluation samples with
    /// <paramref name="ablated"/> units ablated, to zero or (balanced) to their mean. The loss
    /// moves with every unit removed where accuracy moves in steps of one sample, so it ranks
    /// small removals that accuracy cannot tell apart.
    /// </summary>
    public (double Accuracy, double Loss) Evaluate(IReadOnlyCollection<int> ablated, bool balanced) => Run(ablated, balanced, withLoss: true);

    // The loss only when asked: accuracy alone also works for outputs cross-entropy cannot read (one sigmoid unit).
    private (double Accuracy, double Loss) Run(IReadOnlyCollection<int> ablated, bool balanced, bool withLoss)
    {
        if (balanced && !CanBalance) throw new InvalidOperationException("this layer's consumers cannot take bias balancing");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        foreach (var slice in _slices)
        {
            slice.Live.copy_(slice.Original);
            slice.Bias?.copy_(slice.OriginalBias!);
        }
        if (ablated.Count > 0)
        {
            foreach (var slice in _slices)
            {
                var width = slice.Live.shape[slice.Axis];
                var mask = new float[width];
                foreach (var unit in ablated)
                    for (long k = 0; k < slice.Block; k++) mask[slice.Offset + unit * slice.Block + k] = 1f;
                var view = Enumerable.Repeat(1L, (int)slice.Live.dim()).ToArray();
                view[slice.Axis] = width;
                var maskTensor = torch.tensor(mask, device: slice.Live.device);
                if (balanced)
                {
                    // Σ over the ablated inputs (and kernel positions) of weight × mean, per output.
                    var weighted = slice.Original * (maskTensor * slice.Means!).reshape(view);
                    var others = Enumerable.Range(0, (int)slice.Live.dim()).Where(d => d != slice.OutputAxis).Select(d => (long)d).ToArray();
                    slice.Bias!.add_(weighted.sum(others));
                }
                slice.Live.mul_((1f - maskTensor).reshape(view));
            }
        }

        long correct = 0;
        double loss = 0;
        var wasTraining = _downstream.Training;
        _downstream.Training = false;
        try
        {
            foreach (var (inputs, labels) in _batches)
            {
                using var batchScope = NewDisposeScope();
                var logits = _downstream.ForwardAll(inputs)[0];
                var flat = logits.reshape(labels.shape[0], -1);
                correct += flat.argmax(1).eq(labels).sum().item<long>();
                if (withLoss && flat.shape[1] <= labels.max().item<long>())
                    throw new InfoPrune.Core.Diagnostics.InfoPruneException(Pruning.AllocationErrors.LossNeedsOneOutputPerClass,
                        $"the model gives {flat.shape[1]} output(s) per sample, but the calibration labels go up to {labels.max().item<long>()}: " +
                        "measuring a layer's loss needs one output (logit) per class; use another constraints.allocation");
                if (withLoss)
                    loss += torch.nn.functional.cross_entropy(flat.to(ScalarType.Float32), labels, reduction: nn.Reduction.Sum).item<float>();
            }
        }
        finally
        {
            _downstream.Training = wasTraining;
        }
        return ((double)correct / _sampleCount, loss / _sampleCount);
    }

    public void Dispose()
    {
        foreach (var slice in _slices)
        {
            slice.Original.Dispose();
            slice.OriginalBias?.Dispose();
            slice.Means?.Dispose();
        }
        foreach (var (inputs, labels) in _batches)
        {
            foreach (var input in inputs) input.Dispose();
            labels.Dispose();
        }
        _downstream.Dispose();
    }

    /// <summary>
    /// The axis of a consumer's weight that indexes its outputs (as surgery's bias balancing reads
    /// it); null when its op family declares no weighted layer, and then the layer gets no bias to
    /// balance into (<see cref="CanBalance"/> is false).
    /// </summary>
    private static int? OutputAxis(DependencyGraph graph, string node)
    {
        var layer = graph.Model.Graph.Nodes.First(n => n.DisplayName == node);
        return graph.Registry.Find(layer)?.WeightedLayer(layer)?.WeightOutputAxis;
    }

    private static TensorElementType ElementType(ScalarType type) => type switch
    {
        ScalarType.Float32 => TensorElementType.Float,
        ScalarType.Float64 => TensorElementType.Double,
        ScalarType.Int64 => TensorElementType.Int64,
        ScalarType.Int32 => TensorElementType.Int32,
        ScalarType.Bool => TensorElementType.Bool,
        _ => throw new NotSupportedException($"a value entering the ablated part has element type {type}"),
    };
}
