using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Preparation;

/// <summary>One normaliser put after a layer for fine-tuning, and the names needed to fold it back.</summary>
/// <param name="Layer">The display name of the layer it follows.</param>
/// <param name="LayerOutput">The layer's output value as the file names it; the normaliser produces it while training.</param>
/// <param name="NormalizerInput">The layer's output while the normaliser is in place (a new name).</param>
/// <param name="Scale">The normaliser's scale (γ) initializer.</param>
/// <param name="Shift">The normaliser's shift (β) initializer.</param>
/// <param name="Mean">The normaliser's running mean initializer.</param>
/// <param name="Variance">The normaliser's running variance initializer.</param>
/// <param name="Epsilon">The normaliser's ε.</param>
/// <param name="Channels">Output channels of the layer.</param>
public sealed record ReinsertedBatchNorm(string Layer, string LayerOutput, string NormalizerInput,
    string Scale, string Shift, string Mean, string Variance, float Epsilon, int Channels);

/// <summary>A model prepared for fine-tuning with normalisers re-inserted, and what was inserted.</summary>
public sealed record BatchNormPreparation(OnnxModel Model, IReadOnlyList<ReinsertedBatchNorm> Inserted);

/// <summary>
/// Puts BatchNormalization back after the layers whose BatchNorm an exporter folded away, so that
/// fine-tuning trains on batch statistics as the network was trained, and folds it back after.
/// </summary>
/// <remarks>
/// <para>PyTorch's eval-mode export folds every BatchNorm into the convolution before it. The folded
/// file computes the same function, but its weights have lost the normalised parametrisation that
/// made them trainable at the original learning rate: fine-tuning it directly cost 3–5 points on
/// resnet20 against the same network with its BatchNorm kept.</para>
/// <para>Each normaliser starts as the identity in eval mode: its running statistics are the
/// layer's per-channel output mean and variance on the calibration data, its scale
/// √(variance + ε) and its shift the mean. In train mode it normalises with batch statistics,
/// which for a batch like the calibration data is again close to the identity, so training starts
/// from the network as it was. <see cref="FoldBack"/> turns each normaliser into a per-channel
/// scale of the layer's weight and a shift of its bias, so the file that ships has the original's
/// op structure.</para>
/// </remarks>
public static class BatchNormReinsertion
{
    /// <summary>BatchNormalization's default ε, as PyTorch uses it.</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>Name part that marks every value, initializer and node this class adds.</summary>
    private const string Tag = "infoprune_bn";

    /// <summary>
    /// The layers that get a normaliser: every node that applies a learned constant weight whose
    /// normaliser folds back exactly, whose output no normaliser already reads, and which is not
    /// the classifier head (a layer whose output reaches a graph output without passing another
    /// weighted layer: normalising the logits changes what the loss sees, and the head's scale is
    /// what the classes compete on).
    /// </summary>
    public static IReadOnlyList<OnnxNode> Candidates(OnnxModel model, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var graph = model.Graph;
        var result = new List<OnnxNode>();
        var opset = model.Opsets.GetValueOrDefault("", 1);
        if (!registry.Supports("", BatchNormalizationOp.OpType, opset))
            return result; // an opset too old for the normaliser we would insert
        foreach (var node in graph.Nodes)
        {
            var family = registry.Find(node);
            if (family?.WeightedLayer(node) is not { AcceptsBatchNorm: true } layer) continue;
            if (node.Outputs.Count == 0 || !node.HasInput(layer.WeightInput)) continue;
            if (!graph.Initializers.TryGetValue(node.Inputs[layer.WeightInput], out var weight) || !weight.IsFloatingPoint) continue;
            var channels = weight.Shape[layer.WeightOutputAxis];
            if (layer.BiasInput is { } b && node.HasInput(b)
                && (!graph.Initializers.TryGetValue(node.Inputs[b], out var bias) || !bias.IsFloatingPoint || bias.Shape.Count != 1 || bias.Shape[0] != channels))
                continue;
            if (SharedWeight(graph, node, layer)) continue;
            var output = node.Outputs[0];
            if (graph.Consumers(output).Any(c => registry.Find(c)?.NormalizesChannels(c) == true)) continue;
            if (ReachesOutputDirectly(graph, registry, output)) continue;
            result.Add(node);
        }
        return result;
    }

    /// <summary>
    /// Inserts a normaliser after every candidate layer, with running statistics measured on
    /// <paramref name="calibration"/> by one pass through <paramref name="model"/>.
    /// </summary>
    /// <param name="model">The model to fine-tune (usually just pruned).</param>
    /// <param name="calibration">The samples the statistics are measured on.</param>
    /// <param name="unpruned">The model before pruning, when there is one: the statistics are then
    /// those of its layers (same node and value names), restricted to the channels
    /// <paramref name="keptChannels"/> says each layer kept.</param>
    /// <param name="keptChannels">For a layer of <paramref name="model"/>, the output channels of
    /// the same layer in <paramref name="unpruned"/> it kept, in order; null when it kept all.</param>
    /// <param name="registry">The op registry (default: the built-in one).</param>
    /// <remarks>
    /// Measured on the unpruned network, the normalisers are what a BatchNorm kept through pruning
    /// would be: the identity on every kept channel in eval mode, so the pruned model starts
    /// unchanged, and in train mode a map of each channel's batch statistics back onto the mean and
    /// spread that channel had before its inputs were cut. Measured on the pruned network they
    /// would preserve the damage instead: on resnet20 at 47.5% of MACs the first steps' loss was 9.
    /// </remarks>
    public static BatchNormPreparation Insert(OnnxModel model, IEnumerable<Batch> calibration, OnnxModel? unpruned = null,
        Func<OnnxNode, IReadOnlyList<long>?>? keptChannels = null, OpRegistry? registry = null)
    {
        var layers = Candidates(model, registry);
        if (layers.Count == 0) return new BatchNormPreparation(model, Array.Empty<ReinsertedBatchNorm>());
        registry ??= OpRegistry.Default;
        var statistics = unpruned == null
            ? MeasureOutputs(model, layers, calibration, registry)
            : Restrict(MeasureOutputs(unpruned, layers.Select(l => unpruned.Graph.Producer(l.Outputs[0]) ?? throw new ArgumentException(
                $"the unpruned model has no layer producing '{l.Outputs[0]}'", nameof(unpruned))).ToList(), calibration, registry),
                layers, keptChannels);

        var taken = new HashSet<string>(model.Graph.Initializers.Keys, StringComparer.Ordinal);
        foreach (var node in model.Graph.Nodes) { taken.UnionWith(node.Outputs); taken.UnionWith(node.Inputs); }
        string Fresh(string wanted)
        {
            var name = wanted;
            for (var i = 1; !taken.Add(name); i++) name = $"{wanted}_{i}";
            return name;
        }

        var inserted = new List<ReinsertedBatchNorm>();
        foreach (var node in layers)
        {
            var stem = (node.Name.Length > 0 ? node.Name : node.Outputs[0]) + "/" + Tag;
            var (mean, variance) = statistics[node.Outputs[0]];
            inserted.Add(new ReinsertedBatchNorm(node.DisplayName, node.Outputs[0], Fresh(stem + "/input"),
                Fresh(stem + ".scale"), Fresh(stem + ".shift"), Fresh(stem + ".mean"), Fresh(stem + ".var"), Epsilon, mean.Length));
        }

        var rescaled = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var rowScales = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var node in layers)
        {
            var traits = registry.Find(node)!.WeightedLayer(node)!;
            var weight = model.Graph.Initializers[node.Inputs[traits.WeightInput]];
            var scales = RowScales(weight, traits.WeightOutputAxis);
            rowScales[node.Outputs[0]] = scales;
            rescaled[weight.Name] = ScaleAlongAxis(weight, traits.WeightOutputAxis, scales);
            if (traits.BiasInput is { } b && node.HasInput(b))
            {
                var bias = model.Graph.Initializers[node.Inputs[b]];
                rescaled[bias.Name] = ScaleAlongAxis(bias, 0, scales);
            }
        }

        var prepared = model.Rewrite(proto =>
        {
            var g = proto.Graph;
            for (var i = 0; i < g.Initializer.Count; i++)
                if (rescaled.TryGetValue(g.Initializer[i].Name, out var tensor)) g.Initializer[i] = tensor.ToProto(g.Initializer[i]);
            foreach (var (bn, (mean, variance)) in inserted.Select(bn => (bn, statistics[bn.LayerOutput])))
            {
                var index = IndexOfProducer(g, bn.LayerOutput);
                var layer = g.Node[index];
                layer.Output[0] = bn.NormalizerInput;
                var channels = new long[] { bn.Channels };
                // The layer's output is now s·x (its rows were scaled by s), and so are its statistics.
                // Identity in eval mode: scale·(s·x − s·mean)/√(s²·var + ε) + shift = x.
                var s = rowScales[bn.LayerOutput];
                var runningMean = mean.Select((m, c) => (float)(m * s[c])).ToArray();
                var runningVariance = variance.Select((v, c) => (float)(v * s[c] * s[c])).ToArray();
                var scale = variance.Select((v, c) => (float)(Math.Sqrt(v * s[c] * s[c] + bn.Epsilon) / s[c])).ToArray();
                var shift = mean.Select(m => (float)m).ToArray();
                g.Initializer.Add(OnnxTensor.FromFloats(bn.Scale, channels, scale).ToProto());
                g.Initializer.Add(OnnxTensor.FromFloats(bn.Shift, channels, shift).ToProto());
                g.Initializer.Add(OnnxTensor.FromFloats(bn.Mean, channels, runningMean).ToProto());
                g.Initializer.Add(OnnxTensor.FromFloats(bn.Variance, channels, runningVariance).ToProto());
                var normalizer = new NodeProto { Name = bn.NormalizerInput.Replace("/input", ""), OpType = BatchNormalizationOp.OpType };
                normalizer.Input.AddRange(new[] { bn.NormalizerInput, bn.Scale, bn.Shift, bn.Mean, bn.Variance });
                normalizer.Output.Add(bn.LayerOutput);
                normalizer.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = bn.Epsilon });
                g.Node.Insert(index + 1, normalizer);
            }
        });
        return new BatchNormPreparation(prepared, inserted);
    }

    /// <summary>
    /// Folds every inserted normaliser into the weight and bias of the layer before it, removes it
    /// with its initializers, and gives the layer its output name back. A layer without a bias
    /// gets one (the shift has to live somewhere).
    /// </summary>
    public static OnnxModel FoldBack(OnnxModel trained, IReadOnlyList<ReinsertedBatchNorm> inserted, OpRegistry? registry = null)
    {
        if (inserted.Count == 0) return trained;
        registry ??= OpRegistry.Default;
        var graph = trained.Graph;
        var replaced = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var newBiases = new List<(string Layer, OnnxTensor Bias)>();
        foreach (var bn in inserted)
        {
            var layer = graph.Producer(bn.NormalizerInput) ?? throw new InvalidOperationException($"no layer produces '{bn.NormalizerInput}'");
            var traits = registry.Find(layer)!.WeightedLayer(layer)!;
            var gamma = graph.Initializers[bn.Scale].Floats;
            var beta = graph.Initializers[bn.Shift].Floats;
            var mean = graph.Initializers[bn.Mean].Floats;
            var variance = graph.Initializers[bn.Variance].Floats;
            var factor = new double[bn.Channels];
            for (var c = 0; c < factor.Length; c++) factor[c] = gamma[c] / Math.Sqrt(variance[c] + bn.Epsilon);

            var weightName = layer.Inputs[traits.WeightInput];
            var weight = graph.Initializers[weightName];
            replaced[weightName] = ScaleAlongAxis(weight, traits.WeightOutputAxis, factor);

            var biasName = traits.BiasInput is { } b && layer.HasInput(b) ? layer.Inputs[b] : null;
            var oldBias = biasName != null ? graph.Initializers[biasName].Floats : new float[bn.Channels];
            var bias = new float[bn.Channels];
            for (var c = 0; c < bias.Length; c++) bias[c] = (float)((oldBias[c] - mean[c]) * factor[c] + beta[c]);
            if (biasName != null) replaced[biasName] = OnnxTensor.FromFloats(biasName, new long[] { bn.Channels }, bias, graph.Initializers[biasName].StoredType);
            else newBiases.Add((layer.Name.Length > 0 ? layer.Name : bn.NormalizerInput, OnnxTensor.FromFloats(bn.NormalizerInput.Replace("/input", ".bias"), new long[] { bn.Channels }, bias, weight.StoredType)));
        }

        var removedInitializers = inserted.SelectMany(bn => new[] { bn.Scale, bn.Shift, bn.Mean, bn.Variance }).ToHashSet(StringComparer.Ordinal);
        return trained.Rewrite(proto =>
        {
            var g = proto.Graph;
            foreach (var bn in inserted)
            {
                var normalizer = IndexOfProducer(g, bn.LayerOutput);
                g.Node.RemoveAt(normalizer);
                var layer = g.Node[IndexOfProducer(g, bn.NormalizerInput)];
                layer.Output[0] = bn.LayerOutput;
            }
            for (var i = g.Initializer.Count - 1; i >= 0; i--)
            {
                if (removedInitializers.Contains(g.Initializer[i].Name)) g.Initializer.RemoveAt(i);
                else if (replaced.TryGetValue(g.Initializer[i].Name, out var tensor)) g.Initializer[i] = tensor.ToProto(g.Initializer[i]);
            }
            foreach (var (_, biasTensor) in newBiases)
            {
                var bn = inserted.First(x => biasTensor.Name == x.NormalizerInput.Replace("/input", ".bias"));
                var layer = g.Node[IndexOfProducer(g, bn.LayerOutput)];
                var traits = registry.Find(graph.Producer(bn.NormalizerInput)!)!.WeightedLayer(graph.Producer(bn.NormalizerInput)!)!;
                while (layer.Input.Count <= traits.BiasInput!.Value) layer.Input.Add("");
                layer.Input[traits.BiasInput.Value] = biasTensor.Name;
                g.Initializer.Add(biasTensor.ToProto());
            }
        });
    }

    /// <summary>Per-channel mean and (population) variance of each layer's output over the calibration data.</summary>
    private static Dictionary<string, (double[] Mean, double[] Variance)> MeasureOutputs(OnnxModel model, IReadOnlyList<OnnxNode> layers,
        IEnumerable<Batch> calibration, OpRegistry registry)
    {
        var axes = layers.ToDictionary(n => n.Outputs[0], n => registry.Find(n)!.WeightedLayer(n)!.OutputChannelAxis, StringComparer.Ordinal);
        var sums = new Dictionary<string, (double[] Sum, double[] Squares, long Count)>(StringComparer.Ordinal);
        using var executor = GraphExecutor.Create(model, registry: registry);
        executor.Training = false;
        using var noGrad = torch.no_grad();
        foreach (var batch in calibration)
        {
            using var scope = NewDisposeScope();
            var input = torch.tensor(batch.Images, batch.Shape);
            var (_, captured) = executor.ForwardCapturing(new[] { input }, axes.Keys);
            foreach (var (name, axis) in axes)
            {
                var value = captured[name];
                var channelAxis = axis < 0 ? value.dim() + axis : axis;
                var perChannel = value.movedim(new long[] { channelAxis }, new long[] { 0 }).reshape(value.shape[channelAxis], -1).to(ScalarType.Float64);
                var sum = perChannel.sum(1).data<double>().ToArray();
                var squares = perChannel.square().sum(1).data<double>().ToArray();
                var count = perChannel.shape[1];
                if (sums.TryGetValue(name, out var acc))
                {
                    for (var c = 0; c < sum.Length; c++) { acc.Sum[c] += sum[c]; acc.Squares[c] += squares[c]; }
                    sums[name] = (acc.Sum, acc.Squares, acc.Count + count);
                }
                else sums[name] = (sum, squares, count);
            }
        }
        if (sums.Count == 0) throw new InvalidOperationException("no calibration batch to measure the re-inserted BatchNorm statistics on");
        return sums.ToDictionary(kv => kv.Key, kv =>
        {
            var (sum, squares, count) = kv.Value;
            var mean = sum.Select(s => s / count).ToArray();
            var variance = squares.Select((q, c) => Math.Max(q / count - mean[c] * mean[c], 0)).ToArray();
            return (mean, variance);
        }, StringComparer.Ordinal);
    }

    /// <summary>Each layer's statistics at the channels it kept.</summary>
    private static Dictionary<string, (double[] Mean, double[] Variance)> Restrict(Dictionary<string, (double[] Mean, double[] Variance)> full,
        IReadOnlyList<OnnxNode> layers, Func<OnnxNode, IReadOnlyList<long>?>? keptChannels)
    {
        var result = new Dictionary<string, (double[] Mean, double[] Variance)>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var (mean, variance) = full[layer.Outputs[0]];
            var kept = keptChannels?.Invoke(layer);
            result[layer.Outputs[0]] = kept == null ? (mean, variance)
                : (kept.Select(c => mean[c]).ToArray(), kept.Select(c => variance[c]).ToArray());
        }
        return result;
    }

    /// <summary>
    /// The L2 norm of a weight row under PyTorch's default initialisation of Conv and Linear
    /// (uniform in ±1/√fan_in, so each weight has variance 1/(3·fan_in) and a row 1/3): the scale a
    /// layer followed by a BatchNorm is trained at from scratch.
    /// </summary>
    private static readonly double InitialRowNorm = 1 / Math.Sqrt(3);

    /// <summary>
    /// For each output channel, the factor that brings its weight row to <see cref="InitialRowNorm"/>
    /// (1 for a row of zeros).
    /// </summary>
    /// <remarks>
    /// A normaliser makes the layer's function blind to the scale of each row, but the optimiser is
    /// not: Adam moves every weight by about the learning rate, so a row k times larger learns k
    /// times slower. Folding puts γ/σ into the rows, which left them 2–7× larger than the BatchNorm
    /// export of the same network (rows near 0.6) on the VGG-, Inception- and MobileNet-style nets of
    /// bench/unseen, and their folded exports fine-tuned 1.4–1.6 points worse than the BN exports even
    /// with the BN export's channel choice. The scaling changes nothing else: the statistics scale
    /// with it, and <see cref="FoldBack"/> folds whatever the rows are.
    /// </remarks>
    private static double[] RowScales(OnnxTensor weight, int axis)
    {
        var shape = weight.Shape;
        long inner = 1;
        for (var d = axis + 1; d < shape.Count; d++) inner *= shape[d];
        var squares = new double[shape[axis]];
        var values = weight.Floats;
        for (var i = 0; i < values.Length; i++) squares[i / inner % shape[axis]] += (double)values[i] * values[i];
        return squares.Select(q => q > 0 ? InitialRowNorm / Math.Sqrt(q) : 1).ToArray();
    }

    /// <summary>Multiplies every slice of <paramref name="tensor"/> along <paramref name="axis"/> by its factor.</summary>
    private static OnnxTensor ScaleAlongAxis(OnnxTensor tensor, int axis, double[] factor)
    {
        var shape = tensor.Shape.ToArray();
        long inner = 1;
        for (var d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        var values = tensor.ToFloatArray();
        for (long i = 0; i < values.Length; i++)
            values[i] = (float)(values[i] * factor[i / inner % shape[axis]]);
        return OnnxTensor.FromFloats(tensor.Name, shape, values, tensor.StoredType);
    }

    /// <summary>True when the layer's weight is also read by another node (a tied weight cannot take one layer's scale).</summary>
    private static bool SharedWeight(OnnxGraph graph, OnnxNode node, WeightedLayerTraits layer)
    {
        var weight = node.Inputs[layer.WeightInput];
        var bias = layer.BiasInput is { } b && node.HasInput(b) ? node.Inputs[b] : null;
        return graph.Nodes.Any(n => n != node && n.Inputs.Any(i => i == weight || (bias != null && i == bias)));
    }

    /// <summary>
    /// True when <paramref name="value"/> flows into a graph output through ops that apply no
    /// learned weight: the layer producing it is the classifier head.
    /// </summary>
    private static bool ReachesOutputDirectly(OnnxGraph graph, OpRegistry registry, string value)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current)) continue;
            if (graph.IsGraphOutput(current)) return true;
            foreach (var consumer in graph.Consumers(current))
            {
                if (registry.Find(consumer)?.WeightedLayer(consumer) != null) continue;
                foreach (var output in consumer.Outputs.Where(o => o.Length > 0)) pending.Push(output);
            }
        }
        return false;
    }

    private static int IndexOfProducer(GraphProto graph, string output)
    {
        for (var i = 0; i < graph.Node.Count; i++)
            if (graph.Node[i].Output.Contains(output)) return i;
        throw new InvalidOperationException($"no node produces '{output}'");
    }
}
