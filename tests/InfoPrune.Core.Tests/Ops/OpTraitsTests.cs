using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>What the op families declare about their ops, read the way the rest of the engine reads it.</summary>
public sealed class OpTraitsTests
{
    private static IOpFamily FamilyOf(OnnxNode node) => OpRegistry.Default.Find(node) ?? throw new InvalidOperationException(node.OpType);

    private static OnnxNode Node(OnnxModel model, string output) => model.Graph.Producer(output)!;

    [Fact]
    public void ActivationFamiliesDeclareThresholdAndSaturation()
    {
        var model = new TestModelBuilder().Input("x", "N", 4).Output("e", "N", 4)
            .Node("Relu", new[] { "x" }, new[] { "r" })
            .Node("Sigmoid", new[] { "r" }, new[] { "s" })
            .Node("Tanh", new[] { "s" }, new[] { "t" })
            .Node("Softplus", new[] { "t" }, new[] { "p" })
            .Node("Clip", new[] { "p" }, new[] { "c" })
            .Node("Exp", new[] { "c" }, new[] { "e" })
            .Build();
        ActivationTraits? Of(string output) => FamilyOf(Node(model, output)).Activation(Node(model, output), model.Graph);

        Assert.Equal(new ActivationTraits("Relu", 0f, Saturating: false, ZeroWhenInactive: true), Of("r"));
        Assert.Equal(new ActivationTraits("Sigmoid", 0.5f, Saturating: true), Of("s"));
        Assert.Equal(new ActivationTraits("Tanh", 0f, Saturating: true), Of("t"));
        // No point separates Softplus's or Clip's regimes: no default threshold.
        Assert.Equal(new ActivationTraits("Softplus", null), Of("p"));
        Assert.Equal(new ActivationTraits("Clip", null), Of("c"));
        // Unary math runs in the activations' family but is no activation.
        Assert.Null(Of("e"));
    }

    [Fact]
    public void AnActivationKindIsFoundByNameWhateverItsCase()
    {
        Assert.Equal(0.5f, OpRegistry.Default.FindActivationKind("hardsigmoid")?.OneBitThreshold);
        Assert.Equal("Gelu", OpRegistry.Default.FindActivationKind("GELU")?.Kind);
        Assert.Null(OpRegistry.Default.FindActivationKind("Exp"));
        Assert.Null(OpRegistry.Default.FindActivationKind(null));
    }

    [Fact]
    public void TwoMeaningsForOneActivationKindAreRefused()
    {
        var registry = new OpRegistry();
        registry.Add(new ActivationOps());
        // The same traits declared again (a Gelu op beside the exported pattern) are one kind.
        registry.Add(new FakeActivationFamily("MyRelu", new ActivationTraits("Relu", 0f, ZeroWhenInactive: true)));

        var error = Assert.Throws<InfoPruneException>(() => registry.Add(new FakeActivationFamily("OtherRelu", new ActivationTraits("relu", 0.5f))));

        Assert.Equal(OpsErrors.DuplicateRegistration, error.Code);
        Assert.Contains("Relu", error.Message);
    }

    [Fact]
    public void PoolingAndLayoutOpsKeepTheRangeArithmeticDoesNot()
    {
        var model = new TestModelBuilder().Input("x", "N", 1, 4, 4).Output("y", "N", 16)
            .Node("MaxPool", new[] { "x" }, new[] { "m" }, ("kernel_shape", new long[] { 1, 1 }))
            .Node("Identity", new[] { "m" }, new[] { "i" })
            .Node("Add", new[] { "i", "i" }, new[] { "a" })
            .Node("Flatten", new[] { "a" }, new[] { "y" })
            .Build();

        Assert.True(FamilyOf(Node(model, "m")).PreservesRange(Node(model, "m")));
        Assert.True(FamilyOf(Node(model, "y")).PreservesRange(Node(model, "y")));
        Assert.False(FamilyOf(Node(model, "a")).PreservesRange(Node(model, "a")));
        // Only Identity is an alias of its input; Flatten moves values into a new shape.
        Assert.True(FamilyOf(Node(model, "i")).ForwardsInput(Node(model, "i")));
        Assert.False(FamilyOf(Node(model, "y")).ForwardsInput(Node(model, "y")));
    }

    [Theory]
    [InlineData(13, null, "Softmax", -1)]
    [InlineData(11, null, "Softmax", 1)]
    [InlineData(13, 0L, "Softmax", 0)]
    [InlineData(13, null, "LogSoftmax", null)]
    public void SoftmaxDeclaresTheAxisOfItsProbabilities(long opset, long? axis, string opType, int? expected)
    {
        var attributes = axis is { } a ? new[] { ("axis", (object)a) } : Array.Empty<(string, object)>();
        var model = new TestModelBuilder(opset).Input("x", "N", 3).Output("y", "N", 3)
            .Node(opType, new[] { "x" }, new[] { "y" }, attributes)
            .Build();

        Assert.Equal(expected, FamilyOf(Node(model, "y")).SoftmaxAxis(Node(model, "y")));
    }

    [Fact]
    public void AMatMulBiasIsTheConstantOfTheAddThatAloneReadsIt()
    {
        var model = new TestModelBuilder().Input("x", "N", 4).Output("y", "N", 3).Output("z", "N", 3)
            .Weight("w", new long[] { 4, 3 }).Weight("b", new long[] { 3 }).Weight("w2", new long[] { 4, 3 })
            .Node("MatMul", new[] { "x", "w" }, new[] { "m" })
            .Node("Add", new[] { "m", "b" }, new[] { "y" })
            // A second MatMul whose output is read twice: its Add is not a bias of the layer alone.
            .Node("MatMul", new[] { "x", "w2" }, new[] { "m2" })
            .Node("Add", new[] { "m2", "b" }, new[] { "a2" })
            .Node("Mul", new[] { "a2", "m2" }, new[] { "z" })
            .Build();

        Assert.Equal("b", FamilyOf(Node(model, "m")).BiasInitializer(Node(model, "m"), model.Graph));
        Assert.Null(FamilyOf(Node(model, "m2")).BiasInitializer(Node(model, "m2"), model.Graph));
    }

    [Fact]
    public void AGemmBiasIsItsThirdInputWhenConstant()
    {
        var model = new TestModelBuilder().Input("x", "N", 4).Output("y", "N", 3).Output("z", "N", 3)
            .Weight("w", new long[] { 3, 4 }).Weight("c", new long[] { 3 })
            .Node("Gemm", new[] { "x", "w", "c" }, new[] { "y" }, ("transB", 1L))
            .Node("Gemm", new[] { "x", "w" }, new[] { "z" }, ("transB", 1L))
            .Build();

        Assert.Equal("c", FamilyOf(Node(model, "y")).BiasInitializer(Node(model, "y"), model.Graph));
        Assert.Null(FamilyOf(Node(model, "z")).BiasInitializer(Node(model, "z"), model.Graph));
        Assert.Equal(0, FamilyOf(Node(model, "y")).WeightedLayer(Node(model, "y"))!.WeightOutputAxis);
    }

    /// <summary>A family that only declares an activation, to test the registry's bookkeeping.</summary>
    private sealed class FakeActivationFamily : IOpFamily
    {
        private readonly ActivationTraits _traits;
        public FakeActivationFamily(string opType, ActivationTraits traits) { OpTypes = new[] { opType }; _traits = traits; }
        public IReadOnlyCollection<string> OpTypes { get; }
        public IReadOnlyCollection<ActivationTraits> ActivationKinds => new[] { _traits };
        public INodeKernel Compile(OnnxNode node, CompileContext context) => throw new NotSupportedException();
    }
}
