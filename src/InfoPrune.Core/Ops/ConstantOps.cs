using InfoPrune.Core.Graph;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Constant: a value fixed in the graph (the <c>value</c> tensor, or the scalar/list shorthands
/// <c>value_float(s)</c> and <c>value_int(s)</c> of opset 12+). Floats run as float32, integers
/// as int64, bools as bool. Sparse and string constants are not supported.
/// </summary>
public sealed class ConstantOp : IOpFamily, IChannelRule
{
    public void Propagate(OnnxNode node, ChannelFlow flow) { }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Constant" };
    public (long Min, long Max) Opsets => (1, 22);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var value = ValueOf(node);
        if (value == null)
        {
            context.BadAttribute(node, "needs one of value, value_float, value_floats, value_int or value_ints " +
                                       "(sparse_value and string constants are not supported)");
            return new LambdaKernel((_, _) => throw new InvalidOperationException("not compiled"));
        }
        return new ConstantKernel(value);
    }

    /// <summary>
    /// The constant a Constant node produces, whichever attribute holds it, or null when it has
    /// none InfoPrune reads. Consumers that need constant inputs at compile time (shapes, axes,
    /// pads) use this through <see cref="KnownInputs"/>.
    /// </summary>
    public static OnnxTensor? ValueOf(OnnxNode constant)
    {
        var name = constant.Outputs.Count > 0 ? constant.Outputs[0] : "";
        if (constant.Attributes.TryGetValue("value", out var value) && value.Tensor != null) return value.Tensor;
        if (constant.Attributes.TryGetValue("value_float", out var f)) return OnnxTensor.FromFloats(name, Array.Empty<long>(), new[] { f.Float });
        if (constant.Attributes.TryGetValue("value_floats", out var fs)) return OnnxTensor.FromFloats(name, new long[] { fs.Floats.Count }, fs.Floats.ToArray());
        if (constant.Attributes.TryGetValue("value_int", out var i)) return OnnxTensor.FromInt64s(name, Array.Empty<long>(), new[] { i.Int });
        if (constant.Attributes.TryGetValue("value_ints", out var @is)) return OnnxTensor.FromInt64s(name, new long[] { @is.Ints.Count }, @is.Ints.ToArray());
        return null;
    }

    /// <summary>
    /// Holds the decoded value for the executor's lifetime; each run hands out a new handle on the
    /// same storage, so callers can dispose what they get without losing the constant.
    /// </summary>
    private sealed class ConstantKernel : INodeKernel, IDisposable
    {
        private readonly OnnxTensor _value;
        private Tensor? _cached;

        public ConstantKernel(OnnxTensor value) => _value = value;

        public Tensor[] Run(Tensor?[] inputs, RunContext context)
        {
            // Built on first use rather than at compile time: only then is the device known.
            if (_cached is null || _cached.device_type != context.Device.type || _cached.device_index != context.Device.index)
            {
                _cached?.Dispose();
                _cached = TensorConversion.ToTorch(_value, context.Device).DetachFromDisposeScope();
            }
            return new[] { _cached.alias() };
        }

        public void Dispose() => _cached?.Dispose();
    }
}

/// <summary>Identity: passes its input through (as a new handle on the same data).</summary>
public sealed class IdentityOp : IOpFamily, IChannelRule
{
    public void Propagate(OnnxNode node, ChannelFlow flow) => flow.PassThrough(node);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Identity" };
    public (long Min, long Max) Opsets => (1, 22);

    /// <summary>The output is the input: same values, so same range.</summary>
    public bool PreservesRange(OnnxNode node) => true;
    public bool ForwardsInput(OnnxNode node) => true;

    public INodeKernel Compile(OnnxNode node, CompileContext context) => LambdaKernel.Unary(x => x.alias());
}

/// <summary>
/// Integer lists that ONNX passes as inputs (shapes, axes, pads): read once at compile time when
/// the input is an initializer or a Constant, otherwise read from the tensor on every run (e.g. a
/// shape computed by Shape → Gather → Concat).
/// </summary>
internal sealed class KnownInputs
{
    private readonly int _index;
    private readonly long[]? _known;

    private KnownInputs(int index, long[]? known)
    {
        _index = index;
        _known = known;
    }

    /// <summary>The input at <paramref name="index"/>, or null when the node omits it.</summary>
    public static KnownInputs? Ints(OnnxNode node, int index, CompileContext context) =>
        node.HasInput(index) ? new KnownInputs(index, Constant(node, index, context)?.ToInt64Array()) : null;

    /// <summary>A constant input's value, including Constant nodes using the value_* shorthands.</summary>
    public static OnnxTensor? Constant(OnnxNode node, int index, CompileContext context)
    {
        var known = context.ConstantInput(node, index);
        if (known != null || !node.HasInput(index)) return known;
        return context.Graph.Producer(node.Inputs[index]) is { OpType: "Constant" } producer ? ConstantOp.ValueOf(producer) : null;
    }

    public long[] Read(Tensor?[] inputs) => _known ?? RunContext.ToInt64s(inputs[_index]!);
}

/// <summary>Axis checks shared by the shape ops; failures name the node.</summary>
internal static class Axes
{
    /// <summary>Maps a possibly negative axis into [0, rank).</summary>
    public static long Normalize(long axis, long rank, OnnxNode node)
    {
        var normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank)
            throw Failure(node, $"axis {axis} is out of range for a rank-{rank} tensor");
        return normalized;
    }

    /// <summary>Normalizes a list of axes, refusing repeats.</summary>
    public static long[] NormalizeAll(IEnumerable<long> axes, long rank, OnnxNode node)
    {
        var result = axes.Select(a => Normalize(a, rank, node)).ToArray();
        if (result.Distinct().Count() != result.Length)
            throw Failure(node, $"axes [{string.Join(",", axes)}] repeat an axis");
        return result;
    }

    /// <summary>
    /// A problem only visible once shapes are known (at run time); reported like a bad attribute,
    /// since the model is what is wrong.
    /// </summary>
    public static InfoPruneException Failure(OnnxNode node, string message) =>
        new(OnnxErrors.BadAttribute, $"node '{node.DisplayName}' ({node.OpType}): {message}");
}
