using InfoPrune.Core.Onnx;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// One family of ONNX operators (e.g. the element-wise activations, or Conv): everything the tool
/// knows about them lives in the family's one file — how a node runs in TorchSharp, which inputs
/// are trainable, and how many multiply-accumulates it costs. Families are discovered by
/// reflection (any non-abstract class implementing this interface with a parameterless
/// constructor), so adding an op is adding one file.
/// </summary>
public interface IOpFamily
{
    /// <summary>The operator types handled, in <see cref="Domain"/>.</summary>
    IReadOnlyCollection<string> OpTypes { get; }

    /// <summary>The operator domain; "" is the default ONNX domain.</summary>
    string Domain => "";

    /// <summary>The opset versions implemented (inclusive). Lookups outside it are unsupported.</summary>
    (long Min, long Max) Opsets => (1, 22);

    /// <summary>
    /// Prepares one node for execution: reads and checks attributes once, so running it does no
    /// parsing. Attribute problems are added to <paramref name="context"/>'s diagnostics, not thrown.
    /// </summary>
    INodeKernel Compile(OnnxNode node, CompileContext context);

    /// <summary>
    /// Checks a node's attributes against its constant inputs (e.g. a Conv's kernel_shape against
    /// its weight) when a model is loaded, so a contradiction is reported with the node's name
    /// before any runtime meets it. Problems go to <paramref name="context"/>'s diagnostics.
    /// </summary>
    void Check(OnnxNode node, CompileContext context) { }

    /// <summary>
    /// Input positions whose float initializers are learned weights (they become trainable
    /// parameters); other initializers are fixed buffers.
    /// </summary>
    IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => Array.Empty<int>();

    /// <summary>
    /// Input positions whose initializers the kernel updates in place in train mode (e.g.
    /// BatchNormalization's running statistics); they are written back with the trained weights.
    /// </summary>
    IReadOnlyCollection<int> StateInputs(OnnxNode node) => Array.Empty<int>();

    /// <summary>
    /// The weight, bias and channel axes of a node that applies a learned weight (Conv, Gemm,
    /// MatMul with a constant operand), or null for every other op.
    /// </summary>
    WeightedLayerTraits? WeightedLayer(OnnxNode node) => null;

    /// <summary>
    /// True for per-channel normalisers that train on batch statistics (BatchNormalization): a
    /// layer whose output already reaches one needs no re-inserted normaliser.
    /// </summary>
    bool NormalizesChannels(OnnxNode node) => false;

    /// <summary>
    /// The initializer holding the per-output bias a weighted layer adds, or null when it has none
    /// that is a constant. By default the <see cref="WeightedLayerTraits.BiasInput"/> of
    /// <see cref="WeightedLayer"/>; a family whose bias lives in another node (MatMul followed by
    /// an Add) says where.
    /// </summary>
    string? BiasInitializer(OnnxNode node, OnnxGraph graph) =>
        WeightedLayer(node) is { BiasInput: { } bias } && node.HasInput(bias) && graph.Initializers.ContainsKey(node.Inputs[bias])
            ? node.Inputs[bias]
            : null;

    /// <summary>
    /// Every activation this family can apply (one per activation op type, plus patterns it
    /// recognises), so a kind named in a report or a probe can be looked up by
    /// <see cref="OpRegistry.FindActivationKind"/>. Empty for families that apply none.
    /// </summary>
    IReadOnlyCollection<ActivationTraits> ActivationKinds => Array.Empty<ActivationTraits>();

    /// <summary>
    /// The activation <paramref name="node"/> applies (one of <see cref="ActivationKinds"/>), or
    /// null. <paramref name="graph"/> is there for activations that exporters write as several
    /// nodes (GELU before opset 20).
    /// </summary>
    ActivationTraits? Activation(OnnxNode node, OnnxGraph graph) => null;

    /// <summary>
    /// True when every value of output 0 is one of input 0's values or lies between them (pooling,
    /// inference-time dropout, layout changes): the activation that produced the input still
    /// describes the output's range.
    /// </summary>
    bool PreservesRange(OnnxNode node) => false;

    /// <summary>True when output 0 is input 0 itself, value for value and shape for shape (Identity): an alias, not a computation.</summary>
    bool ForwardsInput(OnnxNode node) => false;

    /// <summary>
    /// For an op whose output 0 is a probability distribution along one axis (Softmax), that axis
    /// as the node declares it (possibly negative); null for every other op (LogSoftmax included).
    /// </summary>
    int? SoftmaxAxis(OnnxNode node) => null;

    /// <summary>Multiply-accumulate count of one run, from the concrete shapes seen (batch included).</summary>
    long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes) => 0;
}

/// <summary>A compiled node: runs on tensors.</summary>
public interface INodeKernel
{
    /// <summary>
    /// Runs the node. <paramref name="inputs"/> has one entry per declared input; omitted optional
    /// inputs are null. Returns one tensor per declared output (trailing optional outputs may be omitted).
    /// </summary>
    Tensor[] Run(Tensor?[] inputs, RunContext context);
}

/// <summary>A kernel from a lambda, for the many ops whose run is one expression.</summary>
public sealed class LambdaKernel : INodeKernel
{
    private readonly Func<Tensor?[], RunContext, Tensor[]> _run;
    public LambdaKernel(Func<Tensor?[], RunContext, Tensor[]> run) => _run = run;
    public Tensor[] Run(Tensor?[] inputs, RunContext context) => _run(inputs, context);

    /// <summary>A kernel with one input and one output.</summary>
    public static LambdaKernel Unary(Func<Tensor, Tensor> run) => new((inputs, _) => new[] { run(inputs[0]!) });
    /// <summary>A kernel with two inputs and one output.</summary>
    public static LambdaKernel Binary(Func<Tensor, Tensor, Tensor> run) => new((inputs, _) => new[] { run(inputs[0]!, inputs[1]!) });
}
