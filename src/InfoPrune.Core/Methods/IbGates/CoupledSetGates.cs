using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace InfoPrune.Core.Methods.IbGates;

/// <summary>Where one gate acts: a value whose channel axis is exactly one group, right after the layer (and its normaliser) that makes it.</summary>
/// <param name="Value">The gated value's name (the layer's output, or the output of the normaliser that reads only it).</param>
/// <param name="Layer">The display name of the weighted layer producing the channels.</param>
/// <param name="ChannelAxis">The value's channel axis (negative: from the end).</param>
public sealed record GateSite(string Value, string Layer, int ChannelAxis);

/// <summary>The gates of one channel group: one (μ, log σ²) pair per channel, i.e. per coupled set.</summary>
/// <param name="GroupName">The group's name (stable through analysis of the same structure).</param>
/// <param name="SetWeight">|s|: how many weighted layers each set of the group ties together.</param>
/// <param name="Sites">Every value the gates act on (one per producing layer of the group).</param>
public sealed record GroupGates(string GroupName, int SetWeight, IReadOnlyList<GateSite> Sites);

/// <summary>
/// One gate training run of <see cref="IbGatesMethod"/>: a stochastic gate h = (μ_s + ε σ_s)·x per
/// coupled channel set s, acting through the executor's intercepts on the output of every layer
/// that produces the set's channels, and the penalty (γ′/N_b) Σ_s |s| log(1 + μ_s²/σ_s²).
/// </summary>
/// <remarks>
/// <para><b>Where a gate sits.</b> After the layer's normaliser when it has one (kept or
/// re-inserted): a gate in front of a BatchNorm is undone by it in train mode (the batch
/// statistics absorb any per-channel scale), so it would neither see the task loss nor fold
/// exactly. After the normaliser, μ·BN(x) is again a BatchNorm with γ and β scaled by μ, and
/// μ·(W x + b) is the layer with W and b scaled by μ: the fold is exact.</para>
/// <para><b>Every producer is gated</b>, the stem and each block's last conv of a residual stage
/// alike (and both the pointwise and the depthwise layer of a depthwise pair), so μ → 0 silences
/// a set everywhere it is made, as removing it would.</para>
/// <para><b>Noise</b>: ε ~ N(0, 1) per sample and channel, drawn from libtorch's seeded generator
/// in train mode only; eval mode multiplies by μ.</para>
/// </remarks>
public sealed class CoupledSetGates : IMethodTraining
{
    /// <summary>
    /// Initial log σ²: σ ≈ 0.05, noise small enough not to disturb the trained network at the start,
    /// and a signal-to-noise ratio (log(1 + μ²/σ²) ≈ 6) a gate that the task does not hold up can
    /// lose within an epoch at the default learning rate.
    /// </summary>
    public const double InitialLogVariance = -6;

    private readonly GraphExecutor _trainee;
    private readonly IReadOnlyList<GroupGates> _groups;
    private readonly Parameter[] _means;
    private readonly Parameter[] _logVariances;
    private readonly Tensor[] _weights;
    private bool _disposed;

    private CoupledSetGates(GraphExecutor trainee, IReadOnlyList<GroupGates> groups, IReadOnlyList<int> sizes, double gamma, double learningRate)
    {
        _trainee = trainee;
        _groups = groups;
        Gamma = gamma;
        LearningRate = learningRate;
        var device = trainee.Device;
        _means = sizes.Select(n => Parameterize(torch.ones(n, ScalarType.Float32, device))).ToArray();
        _logVariances = sizes.Select(n => Parameterize(torch.full(n, InitialLogVariance, ScalarType.Float32, device))).ToArray();
        _weights = groups.Select(g => torch.tensor((float)g.SetWeight, device: device).DetachFromDisposeScope()).ToArray();

        var intercepts = new Dictionary<string, Func<Tensor, Tensor>>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Count; g++)
            foreach (var site in groups[g].Sites)
            {
                var index = g;
                var axis = site.ChannelAxis;
                intercepts[site.Value] = x => Gate(x, index, axis);
            }
        trainee.Intercepts = intercepts;
    }

    private static Parameter Parameterize(Tensor t)
    {
        var p = new Parameter(t, requires_grad: true);
        p.DetachFromDisposeScope();
        return p;
    }

    /// <summary>
    /// Gates every prunable group of <paramref name="graph"/> that has at least one gate site, on
    /// <paramref name="trainee"/> (the graph's model, possibly with re-inserted BatchNorm).
    /// </summary>
    public static CoupledSetGates Attach(DependencyGraph graph, GraphExecutor trainee, double gamma, double learningRate)
    {
        var layout = Place(graph, trainee.Model, trainee.Registry);
        var sizes = layout.Select(g => graph.Groups.First(x => x.Name == g.GroupName).Size).ToArray();
        return new CoupledSetGates(trainee, layout, sizes, gamma, learningRate);
    }

    /// <summary>
    /// The gate layout: for each prunable group, the output of each producing layer whose output
    /// channel axis is exactly the group, moved past a normaliser that is its only reader. A layer
    /// whose weight (or normaliser) is shared, or that is not a weighted layer, gets no gate.
    /// </summary>
    public static IReadOnlyList<GroupGates> Place(DependencyGraph graph, OnnxModel trainee, OpRegistry registry)
    {
        var nodes = graph.Model.Graph.Nodes.GroupBy(n => n.DisplayName).ToDictionary(n => n.Key, n => n.First(), StringComparer.Ordinal);
        var result = new List<GroupGates>();
        foreach (var group in graph.PrunableGroups)
        {
            var sites = new List<GateSite>();
            foreach (var producer in group.Producers)
            {
                if (!nodes.TryGetValue(producer, out var node) || registry.Find(node)?.WeightedLayer(node) is not { } traits) continue;
                if (!node.HasInput(traits.WeightInput) || !IsOwnInitializer(graph.Model.Graph, node, traits.WeightInput)) continue;
                if (traits.BiasInput is { } b && node.HasInput(b) && !IsOwnInitializer(graph.Model.Graph, node, b)) continue;
                var output = node.Outputs[0];
                if (!graph.Spaces.TryGetValue(output, out var space) || space.Segments.Count != 1
                    || space.Segments[0].Block != 1 || space.Segments[0].Group.Root() != group) continue;
                var value = PastNormalizer(trainee.Graph, registry, output, group.Size);
                if (value != null && sites.All(s => s.Value != value)) sites.Add(new GateSite(value, producer, traits.OutputChannelAxis));
            }
            if (sites.Count > 0) result.Add(new GroupGates(group.Name, SetWeight(group), sites));
        }
        return result;
    }

    /// <summary>|s|: the weighted layers a channel index of the group runs through (producers and consumers).</summary>
    public static int SetWeight(ChannelGroup group) =>
        Math.Max(1, group.Members.Where(m => m.Role != Graph.MemberRole.PerChannel).Select(m => m.Node).Distinct(StringComparer.Ordinal).Count());

    /// <summary>
    /// The value to gate for a layer output: the output itself, or, when its only reader is a
    /// channel normaliser with its own per-channel scale and shift, the normaliser's output.
    /// Null when the only reader is a normaliser that cannot take the gate's μ.
    /// </summary>
    private static string? PastNormalizer(OnnxGraph graph, OpRegistry registry, string value, int channels)
    {
        var readers = graph.Consumers(value);
        if (readers.Count != 1 || graph.IsGraphOutput(value)) return value;
        var reader = readers[0];
        var family = registry.Find(reader);
        if (family?.NormalizesChannels(reader) != true) return value;
        var affine = family.TrainableInputs(reader).ToArray();
        var foldable = reader.Inputs.Count > 0 && reader.Inputs[0] == value && affine.Length == 2
            && affine.All(i => reader.HasInput(i) && IsOwnInitializer(graph, reader, i)
                && graph.Initializers[reader.Inputs[i]] is { IsFloatingPoint: true } t && t.Shape.Count == 1 && t.Shape[0] == channels);
        return foldable ? reader.Outputs[0] : null;
    }

    private static bool IsOwnInitializer(OnnxGraph graph, OnnxNode node, int input) =>
        graph.Initializers.ContainsKey(node.Inputs[input])
        && graph.Nodes.All(n => n == node || !n.Inputs.Contains(node.Inputs[input]));

    /// <summary>The groups gated, in graph order.</summary>
    public IReadOnlyList<GroupGates> Groups => _groups;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _means.Concat(_logVariances).ToArray();

    /// <inheritdoc />
    public double LearningRate { get; }

    /// <summary>γ′, the penalty's weight from the next step on (a budget's controller moves it during training).</summary>
    public double Gamma { get; set; }

    /// <summary>(γ′/N_b) Σ_s |s| log(1 + μ_s²/σ_s²), N_b the batch size.</summary>
    public Tensor Penalty(long batchSize)
    {
        Tensor? sum = null;
        for (var g = 0; g < _groups.Count; g++)
        {
            var term = SignalToNoise(_means[g], _logVariances[g]).sum() * _weights[g];
            sum = sum is null ? term : sum + term;
        }
        return sum is null ? torch.zeros(1, device: _trainee.Device).squeeze() : sum * (Gamma / batchSize);
    }

    /// <summary>log(1 + μ²/σ²) with σ² = exp(log σ²), per channel.</summary>
    public static Tensor SignalToNoise(Tensor mean, Tensor logVariance) => torch.log1p(mean.square() * torch.exp(-logVariance));

    private Tensor Gate(Tensor x, int group, int axis)
    {
        var rank = x.dim();
        var channelAxis = (int)(axis < 0 ? rank + axis : axis);
        var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
        shape[channelAxis] = _means[group].shape[0];
        if (!_trainee.Training) return x * _means[group].reshape(shape);
        if (channelAxis != 0) shape[0] = x.shape[0];
        var noise = torch.randn(shape, x.dtype, x.device);
        var sigma = torch.exp(0.5 * _logVariances[group]).reshape(Broadcastable(shape, channelAxis));
        return x * (_means[group].reshape(Broadcastable(shape, channelAxis)) + noise * sigma);
    }

    private static long[] Broadcastable(long[] shape, int channelAxis) =>
        shape.Select((d, i) => i == channelAxis ? d : 1L).ToArray();

    /// <summary>Each gated group's μ and log(1 + μ²/σ²) per set, by group name.</summary>
    public IReadOnlyDictionary<string, (double[] Mean, double[] Score)> Read()
    {
        using var noGrad = torch.no_grad();
        var result = new Dictionary<string, (double[], double[])>(StringComparer.Ordinal);
        for (var g = 0; g < _groups.Count; g++)
        {
            using var scope = torch.NewDisposeScope();
            var mean = _means[g].detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
            var score = SignalToNoise(_means[g].detach().to(ScalarType.Float64), _logVariances[g].detach().to(ScalarType.Float64)).cpu().data<double>().ToArray();
            result[_groups[g].GroupName] = (mean, score);
        }
        return result;
    }

    /// <summary>The trained model with every gate's μ folded in (<see cref="Fold"/>); the gates leave the executor.</summary>
    public OnnxModel Finish(OnnxModel trained)
    {
        _trainee.Intercepts = null;
        var read = Read();
        return Fold(trained, _groups, _groups.ToDictionary(g => g.GroupName, g => read[g.GroupName].Mean, StringComparer.Ordinal), _trainee.Registry);
    }

    /// <summary>
    /// Multiplies each gate site's producer by its group's μ: the layer's weight rows and bias
    /// when the gated value comes straight out of it, the normaliser's scale and shift when it
    /// comes out of one. Exact: the model computes what the gated network computes in eval mode.
    /// </summary>
    public static OnnxModel Fold(OnnxModel model, IReadOnlyList<GroupGates> groups, IReadOnlyDictionary<string, double[]> means, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var graph = model.Graph;
        var replaced = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        void Scale(string initializer, int axis, double[] factor)
        {
            var tensor = replaced.GetValueOrDefault(initializer) ?? graph.Initializers[initializer];
            replaced[initializer] = ScaleAlongAxis(tensor, axis, factor);
        }
        foreach (var group in groups)
        {
            var mu = means[group.GroupName];
            foreach (var site in group.Sites)
            {
                var producer = graph.Producer(site.Value) ?? throw new InvalidOperationException($"no node produces the gated value '{site.Value}'");
                var family = registry.Find(producer)!;
                if (family.WeightedLayer(producer) is { } traits)
                {
                    Scale(producer.Inputs[traits.WeightInput], traits.WeightOutputAxis, mu);
                    if (traits.BiasInput is { } b && producer.HasInput(b)) Scale(producer.Inputs[b], 0, mu);
                }
                else if (family.NormalizesChannels(producer))
                    foreach (var input in family.TrainableInputs(producer)) Scale(producer.Inputs[input], 0, mu);
                else
                    throw new InvalidOperationException($"the gated value '{site.Value}' comes out of '{producer.DisplayName}', which can take no gate");
            }
        }
        return model.Rewrite(proto =>
        {
            var list = proto.Graph.Initializer;
            for (var i = 0; i < list.Count; i++)
                if (replaced.TryGetValue(list[i].Name, out var tensor)) list[i] = tensor.ToProto(list[i]);
        });
    }

    private static OnnxTensor ScaleAlongAxis(OnnxTensor tensor, int axis, double[] factor)
    {
        var shape = tensor.Shape.ToArray();
        if (axis < 0) axis += shape.Length;
        long inner = 1;
        for (var d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        var values = tensor.ToFloatArray();
        for (long i = 0; i < values.Length; i++) values[i] = (float)(values[i] * factor[i / inner % shape[axis]]);
        return OnnxTensor.FromFloats(tensor.Name, shape, values, tensor.StoredType);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ReferenceEquals(_trainee.Intercepts, null) == false) _trainee.Intercepts = null;
        foreach (var t in _means.Concat(_logVariances).Cast<Tensor>().Concat(_weights)) t.Dispose();
    }
}
