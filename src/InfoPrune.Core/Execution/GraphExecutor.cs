using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace InfoPrune.Core.Execution;

/// <summary>
/// Runs an ONNX graph in TorchSharp, in eval or train mode, with autograd through every op.
/// Weight initializers are trainable parameters, the rest fixed buffers (BatchNormalization's
/// running statistics are buffers its kernel updates in train mode). After training,
/// <see cref="ToModel"/> writes the current values back into the same ONNX graph.
/// </summary>
/// <remarks>
/// Values are addressed by slot numbers fixed at compile time, so a forward pass does no name
/// lookups. Callers own the tensors a forward pass returns; wrap passes in a DisposeScope.
/// </remarks>
public sealed class GraphExecutor : IDisposable
{
    private sealed record CompiledNode(OnnxNode Node, IOpFamily Family, INodeKernel Kernel, int[] InputSlots, int[] OutputSlots);

    private readonly CompiledNode[] _nodes;
    private readonly Tensor?[] _fixedValues;          // initializer tensors by slot (null for computed values)
    private readonly int[] _inputSlots;
    private readonly int[] _outputSlots;
    private readonly Dictionary<string, int> _slotOf;
    private readonly Dictionary<string, Tensor> _initializerTensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mutableInitializers = new(StringComparer.Ordinal);
    private readonly List<(string Name, Parameter Parameter)> _parameters = new();
    private Func<Tensor, Tensor>?[] _intercepts = Array.Empty<Func<Tensor, Tensor>?>();
    private bool _disposed;

    public OnnxModel Model { get; }
    public Device Device { get; }
    /// <summary>The op families the model was compiled with, for questions about its nodes.</summary>
    public OpRegistry Registry { get; }
    /// <summary>Train mode (BatchNormalization on batch statistics, Dropout active) or eval mode.</summary>
    public bool Training { get; set; }

    /// <summary>The learned weights, in graph order, for an optimizer.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters.Select(p => p.Parameter).ToArray();
    public IReadOnlyList<string> ParameterNames => _parameters.Select(p => p.Name).ToArray();
    public IReadOnlyList<string> InputNames => Model.Graph.Inputs.Select(i => i.Name).ToArray();
    public IReadOnlyList<string> OutputNames => Model.Graph.Outputs.Select(o => o.Name).ToArray();

    private GraphExecutor(OnnxModel model, Device device, OpRegistry registry)
    {
        // Every run allocates and frees tensors at the same sizes; see NativeAllocator for why.
        NativeAllocator.KeepFreedMemory();
        Model = model;
        Device = device;
        Registry = registry;
        var graph = model.Graph;
        registry.ThrowIfUnsupported(graph, model.SourcePath);

        _slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int Slot(string name) => _slotOf.TryGetValue(name, out var s) ? s : _slotOf[name] = _slotOf.Count;
        foreach (var input in graph.Inputs) Slot(input.Name);
        foreach (var name in graph.Initializers.Keys) Slot(name);
        foreach (var node in graph.Nodes) foreach (var o in node.Outputs.Where(o => o.Length > 0)) Slot(o);

        var diagnostics = new DiagnosticBag();
        foreach (var value in graph.Inputs.Concat(graph.Outputs).Where(v => v.ElementType is TensorElementType.Undefined or TensorElementType.String))
            diagnostics.Error(OpsErrors.UnsupportedValue,
                $"graph {(graph.IsGraphInput(value.Name) ? "input" : "output")} '{value.Name}' is not a numeric tensor (a sequence, map, optional or string value), which InfoPrune does not run",
                model.SourcePath);
        var context = new CompileContext(graph, model.SourcePath, diagnostics);
        var trainable = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<CompiledNode>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            var family = registry.Find(node)!;
            foreach (var i in family.TrainableInputs(node).Where(node.HasInput)) trainable.Add(node.Inputs[i]);
            foreach (var i in family.StateInputs(node).Where(node.HasInput)) _mutableInitializers.Add(node.Inputs[i]);
            var kernel = family.Compile(node, context);
            compiled.Add(new CompiledNode(node, family, kernel,
                node.Inputs.Select(n => n.Length == 0 ? -1 : Slot(n)).ToArray(),
                node.Outputs.Select(n => n.Length == 0 ? -1 : Slot(n)).ToArray()));
        }
        diagnostics.ThrowIfErrors();
        _nodes = compiled.ToArray();

        _fixedValues = new Tensor?[_slotOf.Count];
        foreach (var (name, initializer) in graph.Initializers)
        {
            var tensor = TensorConversion.ToTorch(initializer, device).DetachFromDisposeScope();
            if (trainable.Contains(name) && initializer.IsFloatingPoint)
            {
                var parameter = new Parameter(tensor, requires_grad: true);
                parameter.DetachFromDisposeScope();
                _parameters.Add((name, parameter));
                _mutableInitializers.Add(name);
                tensor = parameter;
            }
            _initializerTensors[name] = tensor;
            _fixedValues[_slotOf[name]] = tensor;
        }
        _inputSlots = graph.Inputs.Select(i => _slotOf[i.Name]).ToArray();
        _outputSlots = graph.Outputs.Select(o => _slotOf[o.Name]).ToArray();
    }

    /// <summary>
    /// Compiles a model for execution. Every unsupported operator is reported at once (exit code 4);
    /// bad attributes are reported with their node names.
    /// </summary>
    public static GraphExecutor Create(OnnxModel model, Device? device = null, OpRegistry? registry = null) =>
        new(model, device ?? DeviceChoice.Best(), registry ?? OpRegistry.Default);

    /// <summary>Runs a single-input model and returns its first output.</summary>
    public Tensor Forward(Tensor input) => Run(new[] { input }, null, null)[0];

    /// <summary>Runs the model on one tensor per graph input and returns every graph output.</summary>
    public Tensor[] ForwardAll(params Tensor[] inputs) => Run(inputs, null, null);

    /// <summary>
    /// Runs the model and also returns the named intermediate values (e.g. activations to measure).
    /// Every other intermediate tensor is released as soon as the pass ends.
    /// </summary>
    public (Tensor[] Outputs, IReadOnlyDictionary<string, Tensor> Captured) ForwardCapturing(Tensor[] inputs, IReadOnlyCollection<string> valueNames)
    {
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var outputs = Run(inputs, valueNames, captured);
        return (outputs, captured);
    }

    /// <summary>
    /// Runs once and records the concrete input and output shapes of every node, for MAC counts
    /// and channel analysis. Runs in eval mode without gradients.
    /// </summary>
    public IReadOnlyList<NodeShapes> TraceShapes(params Tensor[] inputs)
    {
        var shapes = new List<NodeShapes>(_nodes.Length);
        var wasTraining = Training;
        Training = false;
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            Run(inputs, null, null, (node, ins, outs) => shapes.Add(new NodeShapes(
                node.Node,
                ins.Select(t => t?.shape ?? Array.Empty<long>()).ToArray(),
                outs.Select(t => t.shape).ToArray(),
                node.Family.Macs(node.Node, ins.Select(t => t?.shape ?? Array.Empty<long>()).ToArray(), outs.Select(t => t.shape).ToArray()))));
        }
        finally
        {
            Training = wasTraining;
        }
        return shapes;
    }

    private Tensor[] Run(Tensor[] inputs, IReadOnlyCollection<string>? capture, Dictionary<string, Tensor>? captured,
        Action<CompiledNode, Tensor?[], Tensor[]>? observe = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (inputs.Length != _inputSlots.Length)
            throw new ArgumentException($"the model has {_inputSlots.Length} input(s), {inputs.Length} given");
        var values = (Tensor?[])_fixedValues.Clone();
        for (var i = 0; i < inputs.Length; i++)
            values[_inputSlots[i]] = inputs[i].device == Device ? inputs[i] : inputs[i].to(Device);

        var context = Training ? TrainContext : EvalContext;
        foreach (var node in _nodes)
        {
            var args = new Tensor?[node.InputSlots.Length];
            for (var i = 0; i < args.Length; i++) args[i] = node.InputSlots[i] < 0 ? null : values[node.InputSlots[i]];
            var results = node.Kernel.Run(args, context);
            for (var i = 0; i < node.OutputSlots.Length; i++)
            {
                if (node.OutputSlots[i] < 0) continue;
                // A family must refuse at compile an output it cannot produce; never pass on nothing.
                if (i >= results.Length || results[i] is null)
                    throw new InfoPruneException(OpsErrors.MissingKernelOutput,
                        $"node '{node.Node.DisplayName}' ({node.Node.OpType}) produced no value for its output '{node.Node.Outputs[i]}'", Model.SourcePath);
                values[node.OutputSlots[i]] = _intercepts.Length > 0 && _intercepts[node.OutputSlots[i]] is { } intercept
                    ? results[i] = intercept(results[i]) : results[i];
            }
            observe?.Invoke(node, args, results);
        }

        if (capture != null && captured != null)
            foreach (var name in capture)
                if (_slotOf.TryGetValue(name, out var slot) && values[slot] is { } value) captured[name] = value;
        return _outputSlots.Select(s => values[s]!).ToArray();
    }

    private RunContext TrainContext => _trainContext ??= new RunContext { Training = true, Device = Device };
    private RunContext EvalContext => _evalContext ??= new RunContext { Training = false, Device = Device };
    private RunContext? _trainContext, _evalContext;

    /// <summary>
    /// Functions applied to computed values as soon as their node produces them, in train and eval
    /// mode, before any consumer reads them: value name → replacement. A training method uses them
    /// to act on values without changing the graph (e.g. a stochastic gate on a layer's output),
    /// so nothing of theirs can reach the written file. Null or empty: the graph runs as written.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a value some node computes.</exception>
    public IReadOnlyDictionary<string, Func<Tensor, Tensor>>? Intercepts
    {
        get => _interceptMap;
        set
        {
            var computed = new HashSet<int>(_nodes.SelectMany(n => n.OutputSlots).Where(s => s >= 0));
            var slots = new Func<Tensor, Tensor>?[_slotOf.Count];
            foreach (var (name, intercept) in value ?? new Dictionary<string, Func<Tensor, Tensor>>())
            {
                if (!_slotOf.TryGetValue(name, out var slot) || !computed.Contains(slot))
                    throw new ArgumentException($"'{name}' is not a value computed by a node of the graph", nameof(value));
                slots[slot] = intercept;
            }
            _interceptMap = value;
            _intercepts = value is { Count: > 0 } ? slots : Array.Empty<Func<Tensor, Tensor>?>();
        }
    }
    private IReadOnlyDictionary<string, Func<Tensor, Tensor>>? _interceptMap;

    /// <summary>The live tensor behind an initializer (parameter or buffer).</summary>
    public Tensor Initializer(string name) => _initializerTensors[name];

    /// <summary>
    /// The model with the current values of every learned or updated initializer written back in
    /// its stored type and layout; everything else in the file is untouched.
    /// </summary>
    public OnnxModel ToModel()
    {
        var updated = _mutableInitializers
            .Where(_initializerTensors.ContainsKey)
            .ToDictionary(n => n, n => TensorConversion.FromTorch(n, _initializerTensors[n], Model.Graph.Initializers[n].StoredType), StringComparer.Ordinal);
        return Model.Rewrite(proto =>
        {
            var list = proto.Graph.Initializer;
            for (var i = 0; i < list.Count; i++)
                if (updated.TryGetValue(list[i].Name, out var tensor))
                    list[i] = tensor.ToProto(list[i]);
        });
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var tensor in _initializerTensors.Values) tensor.Dispose();
        foreach (var node in _nodes) (node.Kernel as IDisposable)?.Dispose();
    }
}

/// <summary>The shapes one node saw in a traced run, and its MAC count for that run.</summary>
public sealed record NodeShapes(OnnxNode Node, IReadOnlyList<long[]> InputShapes, IReadOnlyList<long[]> OutputShapes, long Macs);
