using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Pruning;

public class SurgeryTests
{
    /// <summary>conv-bn-relu → (conv-bn + 1x1 shortcut conv) residual add → relu → depthwise → GAP → 1x1 classifier conv.</summary>
    private static OnnxModel ResidualDepthwiseNet() => new TestModelBuilder(13, seed: 4).Input("x", "N", 3, 8, 8).Output("y", "N", 5, 1, 1)
        .Weight("c1w", new long[] { 8, 3, 3, 3 }).Weight("c1b", new long[] { 8 })
        .Weight("bn_s", new long[] { 8 }, 0.5f, 1.5f).Weight("bn_b", new long[] { 8 }).Weight("bn_m", new long[] { 8 }).Weight("bn_v", new long[] { 8 }, 0.5f, 1.5f)
        .Weight("c2w", new long[] { 6, 8, 3, 3 }).Weight("c2b", new long[] { 6 })
        .Weight("scw", new long[] { 6, 8, 1, 1 })
        .Weight("dww", new long[] { 12, 1, 3, 3 }).Weight("dwb", new long[] { 12 })
        .Weight("scale", new long[] { 12, 1, 1 }, 0.5f, 1.5f)
        .Weight("fcw", new long[] { 5, 12, 1, 1 }).Weight("fcb", new long[] { 5 })
        .Node("Conv", new[] { "x", "c1w", "c1b" }, new[] { "a1" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("BatchNormalization", new[] { "a1", "bn_s", "bn_b", "bn_m", "bn_v" }, new[] { "a2" })
        .Node("Relu", new[] { "a2" }, new[] { "a3" })
        .Node("Conv", new[] { "a3", "c2w", "c2b" }, new[] { "b1" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("Conv", new[] { "a3", "scw" }, new[] { "s1" })
        .Node("Add", new[] { "b1", "s1" }, new[] { "r" })
        .Node("Relu", new[] { "r" }, new[] { "r2" })
        .Node("Conv", new[] { "r2", "dww", "dwb" }, new[] { "d" }, ("group", 6L), ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("Mul", new[] { "d", "scale" }, new[] { "d2" })
        .Node("GlobalAveragePool", new[] { "d2" }, new[] { "g" })
        .Node("Conv", new[] { "g", "fcw", "fcb" }, new[] { "y" })
        .Build();

    [Fact]
    public void ResidualAddCouplesBothBranches()
    {
        var graph = DependencyGraph.Analyze(ResidualDepthwiseNet());
        var coupled = Assert.Single(graph.Groups, g => g.Producers.Count == 2);
        Assert.Equal(6, coupled.Size);
        Assert.True(coupled.IsPrunable, string.Join("; ", coupled.FrozenReasons));
        var members = coupled.Members.Select(m => (m.Initializer, m.Axis, m.Block, m.Role)).ToHashSet();
        Assert.Contains(("c2w", 0, 1L, MemberRole.Producer), members);
        Assert.Contains(("c2b", 0, 1L, MemberRole.Producer), members);
        Assert.Contains(("scw", 0, 1L, MemberRole.Producer), members);
        // The depthwise conv after the join rides on the same channels, two filters per channel.
        Assert.Contains(("dww", 0, 2L, MemberRole.PerChannel), members);
        Assert.Contains(("scale", 0, 2L, MemberRole.PerChannel), members);
        Assert.Contains(("fcw", 1, 2L, MemberRole.Consumer), members);
    }

    [Fact]
    public void GroupsFeedingTheGraphOutputAreFrozenWithTheReason()
    {
        var graph = DependencyGraph.Analyze(ResidualDepthwiseNet());
        var classifier = Assert.Single(graph.Groups, g => g.Size == 5);
        Assert.False(classifier.IsPrunable);
        Assert.Contains(classifier.FrozenReasons, r => r.Contains("graph output 'y'"));
        Assert.Equal(3, graph.Groups.Count);
    }

    [Fact]
    public void KeepingEverythingReproducesTheInputBytes()
    {
        var model = ResidualDepthwiseNet();
        var graph = DependencyGraph.Analyze(model);
        var plan = new PruningPlan(graph.PrunableGroups.Select(g => new GroupDecision(g.Id, Enumerable.Range(0, g.Size).ToArray(), "keep")));
        Assert.Equal(model.ToBytes(), Surgery.Apply(graph, plan).ToBytes());
    }

    [Fact]
    public void PrunedModelEqualsOriginalWithRemovedChannelsZeroed()
    {
        var model = ResidualDepthwiseNet();
        var graph = DependencyGraph.Analyze(model);
        var plan = PruningAssert.EveryOtherChannel(graph);
        var pruned = Surgery.Apply(graph, plan);
        var zeroed = PruningAssert.ZeroRemovedChannels(graph, plan);
        var difference = PruningAssert.OrtDifference(pruned, zeroed, new long[] { 2, 3, 8, 8 });
        Assert.True(difference <= 1e-4, $"max difference {difference}");
        // The depthwise conv's group follows the kept width and the model is physically smaller.
        var depthwise = pruned.Graph.Nodes.Single(n => n.OpType == "Conv" && n.GetInt("group", 1) > 1);
        Assert.Equal(3, depthwise.GetInt("group", 1));
        Assert.Equal(new long[] { 6, 1, 3, 3 }, pruned.Graph.Initializers["dww"].Shape);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, pruned.Graph.Initializers["c1w"].Shape);
        Assert.True(pruned.ToBytes().Length < model.ToBytes().Length);
    }

    [Fact]
    public void PrunedModelRunsInTorchSharpLikeOrt()
    {
        var graph = DependencyGraph.Analyze(ResidualDepthwiseNet());
        var pruned = Surgery.Apply(graph, PruningAssert.EveryOtherChannel(graph));
        ParityAssert.MatchesOrt(pruned, new long[] { 2, 3, 8, 8 });
    }

    [Fact]
    public void InputModelIsNotModified()
    {
        var model = ResidualDepthwiseNet();
        var before = model.ToBytes();
        var graph = DependencyGraph.Analyze(model);
        Surgery.Apply(graph, PruningAssert.EveryOtherChannel(graph));
        Assert.Equal(before, model.ToBytes());
    }

    [Fact]
    public void BiasBalancingReplacesAConstantChannelExactly()
    {
        // Channel 1 of the first Gemm has zero weights, so after Relu it is the constant relu(b1[1]).
        // Removing it with its mean folded into the next layer's bias must not change the output.
        var w1 = new float[4 * 3];
        var random = new Random(2);
        for (var i = 0; i < w1.Length; i++) w1[i] = i / 3 == 1 ? 0f : (float)random.NextDouble() - 0.5f;
        var model = new TestModelBuilder(13, seed: 8).Input("x", "N", 3).Output("y", "N", 2)
            .Floats("w1", new long[] { 4, 3 }, w1).Floats("b1", new long[] { 4 }, new[] { 0.1f, 0.7f, -0.2f, 0.3f })
            .Weight("w2", new long[] { 2, 4 })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
            .Node("Relu", new[] { "h" }, new[] { "a" })
            .Node("Gemm", new[] { "a", "w2" }, new[] { "y" }, ("transB", 1L))
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var group = Assert.Single(graph.PrunableGroups);
        var means = new Dictionary<string, float[]> { ["a"] = new[] { 0f, 0.7f, 0f, 0f } };
        var plan = new PruningPlan(new[] { new GroupDecision(group.Id, new[] { 0, 2, 3 }, "test") }, means, new[] { group.Id });
        var pruned = Surgery.Apply(graph, plan);
        Assert.True(PruningAssert.OrtDifference(model, pruned, new long[] { 4, 3 }) <= 1e-5);
        var withoutBalancing = Surgery.Apply(graph, new PruningPlan(plan.Decisions.Values));
        Assert.True(PruningAssert.OrtDifference(model, withoutBalancing, new long[] { 4, 3 }) > 1e-3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BalancingIntoALayerWithoutBiasWhoseOutputsArePrunedToo(bool conv)
    {
        // As above, unit 1 of the first layer is the constant 0.7; the second layer has no bias and
        // loses two of its own five outputs. Its new bias must take the mean and have the kept width:
        // the result equals the original with only the second layer's removed outputs zeroed.
        var model = ConstantUnitThenBiaslessLayer(conv);
        var graph = DependencyGraph.Analyze(model);
        var (first, second) = (graph.PrunableGroups.ElementAt(0), graph.PrunableGroups.ElementAt(1));
        Assert.Equal((4, 5), (first.Size, second.Size));
        // Per channel for both: a conv map's mean is over its positions.
        var means = new Dictionary<string, float[]> { ["a"] = new[] { 0f, 0.7f, 0f, 0f } };
        var plan = new PruningPlan(new[] { new GroupDecision(first.Id, new[] { 0, 2, 3 }, "test"), new GroupDecision(second.Id, new[] { 0, 1, 3 }, "test") },
            means, new[] { first.Id });

        var pruned = Surgery.Apply(graph, plan);

        var secondOnly = PruningAssert.ZeroRemovedChannels(graph, new PruningPlan(new[] { new GroupDecision(second.Id, new[] { 0, 1, 3 }, "test") }));
        var shape = conv ? new long[] { 2, 3, 2, 2 } : new long[] { 4, 3 };
        Assert.True(PruningAssert.OrtDifference(secondOnly, pruned, shape) <= 1e-5);
    }

    [Fact]
    public void BalancingIntoAMatMulGoesToTheAddAfterIt()
    {
        // PyTorch exports Linear on 3-D inputs as MatMul + Add: the Add's constant is the bias.
        var w1 = new float[4 * 3];
        var random = new Random(2);
        for (var i = 0; i < w1.Length; i++) w1[i] = i / 3 == 1 ? 0f : (float)random.NextDouble() - 0.5f;
        var model = new TestModelBuilder(13, seed: 8).Input("x", "N", 3).Output("y", "N", 2)
            .Floats("w1", new long[] { 4, 3 }, w1).Floats("b1", new long[] { 4 }, new[] { 0.1f, 0.7f, -0.2f, 0.3f })
            .Weight("w2", new long[] { 4, 2 }).Weight("b2", new long[] { 2 })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
            .Node("Relu", new[] { "h" }, new[] { "a" })
            .Node("MatMul", new[] { "a", "w2" }, new[] { "m" })
            .Node("Add", new[] { "m", "b2" }, new[] { "y" })
            .Build();
        var graph = DependencyGraph.Analyze(model);
        var group = Assert.Single(graph.PrunableGroups);
        var plan = new PruningPlan(new[] { new GroupDecision(group.Id, new[] { 0, 2, 3 }, "test") },
            new Dictionary<string, float[]> { ["a"] = new[] { 0f, 0.7f, 0f, 0f } }, new[] { group.Id });

        var pruned = Surgery.Apply(graph, plan);

        Assert.Equal(2, pruned.Graph.Nodes.Single(n => n.OpType == "MatMul").Inputs.Count);
        Assert.True(PruningAssert.OrtDifference(model, pruned, new long[] { 4, 3 }) <= 1e-5);
    }

    /// <summary>
    /// Layer 1 (Gemm, or a 1×1 Conv on 2×2 maps) has 4 units, unit 1 constant 0.7 after Relu; layer 2
    /// has 5 outputs and no bias; layer 3 reads them (through a global pool for the conv net).
    /// </summary>
    private static OnnxModel ConstantUnitThenBiaslessLayer(bool conv)
    {
        var random = new Random(3);
        float Next() => (float)random.NextDouble() - 0.5f;
        var w1 = Enumerable.Range(0, 4 * 3).Select(i => i / 3 == 1 ? 0f : Next()).ToArray();
        var b1 = new[] { 0.1f, 0.7f, -0.2f, 0.3f };
        var builder = new TestModelBuilder(13, seed: 9).Input("x", conv ? new object[] { "N", 3, 2, 2 } : new object[] { "N", 3 })
            .Output("y", "N", 2)
            .Floats("w1", conv ? new long[] { 4, 3, 1, 1 } : new long[] { 4, 3 }, w1).Floats("b1", new long[] { 4 }, b1)
            .Weight("w2", conv ? new long[] { 5, 4, 1, 1 } : new long[] { 5, 4 })
            .Weight("w3", new long[] { 2, 5 }).Weight("b3", new long[] { 2 });
        if (conv)
            return builder
                .Node("Conv", new[] { "x", "w1", "b1" }, new[] { "h" })
                .Node("Relu", new[] { "h" }, new[] { "a" })
                .Node("Conv", new[] { "a", "w2" }, new[] { "h2" })
                .Node("Relu", new[] { "h2" }, new[] { "c" })
                .Node("GlobalAveragePool", new[] { "c" }, new[] { "p" })
                .Node("Flatten", new[] { "p" }, new[] { "f" })
                .Node("Gemm", new[] { "f", "w3", "b3" }, new[] { "y" }, ("transB", 1L))
                .Build();
        return builder
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
            .Node("Relu", new[] { "h" }, new[] { "a" })
            .Node("Gemm", new[] { "a", "w2" }, new[] { "h2" }, ("transB", 1L))
            .Node("Relu", new[] { "h2" }, new[] { "c" })
            .Node("Gemm", new[] { "c", "w3", "b3" }, new[] { "y" }, ("transB", 1L))
            .Build();
    }

    [Fact]
    public void PlanThatPrunesAFrozenGroupIsRefused()
    {
        var graph = DependencyGraph.Analyze(ResidualDepthwiseNet());
        var frozen = graph.Groups.First(g => !g.IsPrunable);
        var plan = new PruningPlan(new[] { new GroupDecision(frozen.Id, new[] { 0 }, "test") });
        Assert.Throws<ArgumentException>(() => Surgery.Apply(graph, plan));
    }
}
