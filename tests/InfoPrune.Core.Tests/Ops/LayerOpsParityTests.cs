using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>Conv, Gemm, MatMul, BatchNormalization, pooling, activations and arithmetic against ONNX Runtime.</summary>
public class LayerOpsParityTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void ConvWithStridesPadsDilationsMatchesOrt(long opset)
    {
        var model = new TestModelBuilder(opset).Input("x", "N", 3, 11, 9).Output("y", "N", 4, "H", "W")
            .Weight("w", new long[] { 4, 3, 3, 2 }).Weight("b", new long[] { 4 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("strides", new long[] { 2, 1 }), ("pads", new long[] { 1, 0, 1, 0 }), ("dilations", new long[] { 1, 2 }))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 11, 9 });
    }

    [Fact]
    public void ConvWithAsymmetricPadsMatchesOrt()
    {
        var model = new TestModelBuilder().Input("x", "N", 2, 7, 7).Output("y", "N", 3, "H", "W")
            .Weight("w", new long[] { 3, 2, 3, 3 })
            .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("pads", new long[] { 0, 1, 2, 0 }))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 2, 7, 7 });
    }

    [Theory]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    [InlineData("VALID")]
    public void ConvAutoPadMatchesOrt(string autoPad)
    {
        var model = new TestModelBuilder().Input("x", "N", 2, 8, 7).Output("y", "N", 3, "H", "W")
            .Weight("w", new long[] { 3, 2, 4, 3 })
            .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("auto_pad", autoPad), ("strides", new long[] { 2, 2 }))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 1, 2, 8, 7 });
    }

    [Fact]
    public void DepthwiseAndGroupedConvMatchOrt()
    {
        var model = new TestModelBuilder().Input("x", "N", 4, 6, 6).Output("z", "N", 6, "H", "W")
            .Weight("dw", new long[] { 4, 1, 3, 3 }).Weight("gw", new long[] { 6, 2, 1, 1 }).Weight("gb", new long[] { 6 })
            .Node("Conv", new[] { "x", "dw" }, new[] { "y" }, ("group", 4L), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Conv", new[] { "y", "gw", "gb" }, new[] { "z" }, ("group", 2L))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 4, 6, 6 });
    }

    [Fact]
    public void Conv1dMatchesOrt()
    {
        var model = new TestModelBuilder().Input("x", "N", 3, 10).Output("y", "N", 2, "L")
            .Weight("w", new long[] { 2, 3, 3 }).Weight("b", new long[] { 2 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("pads", new long[] { 1, 1 }), ("strides", new long[] { 2 }))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 10 });
    }

    [Theory]
    [InlineData(0L, 1L, 1.0f, 1.0f)]
    [InlineData(1L, 0L, 0.5f, 2.0f)]
    [InlineData(0L, 0L, 1.0f, 0.0f)]
    public void GemmWithTransposesAndScalesMatchesOrt(long transA, long transB, float alpha, float beta)
    {
        var aShape = transA == 1 ? new object[] { 5, "N" } : new object[] { "N", 5 };
        var bShape = transB == 1 ? new long[] { 4, 5 } : new long[] { 5, 4 };
        var model = new TestModelBuilder().Input("a", aShape).Output("y", "N", 4)
            .Weight("b", bShape).Weight("c", new long[] { 4 })
            .Node("Gemm", new[] { "a", "b", "c" }, new[] { "y" }, ("transA", transA), ("transB", transB), ("alpha", alpha), ("beta", beta))
            .Build();
        ParityAssert.MatchesOrt(model, transA == 1 ? new long[] { 5, 3 } : new long[] { 3, 5 });
    }

    [Fact]
    public void BatchedMatMulMatchesOrt()
    {
        var model = new TestModelBuilder().Input("x", "N", 3, 5).Output("y", "N", 3, 4)
            .Weight("w", new long[] { 5, 4 })
            .Node("MatMul", new[] { "x", "w" }, new[] { "y" })
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 5 });
    }

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    public void BatchNormalizationInEvalMatchesOrt(long opset)
    {
        var model = new TestModelBuilder(opset).Input("x", "N", 3, 4, 4).Output("y", "N", 3, 4, 4)
            .Weight("s", new long[] { 3 }, 0.5f, 1.5f).Weight("b", new long[] { 3 })
            .Weight("m", new long[] { 3 }).Weight("v", new long[] { 3 }, 0.5f, 2f)
            .Node("BatchNormalization", new[] { "x", "s", "b", "m", "v" }, new[] { "y" }, ("epsilon", 1e-3f))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 4, 4 });
    }

    [Theory]
    [InlineData("MaxPool", 0L, 0L)]
    [InlineData("MaxPool", 1L, 0L)]
    [InlineData("AveragePool", 0L, 0L)]
    [InlineData("AveragePool", 0L, 1L)]
    [InlineData("AveragePool", 1L, 1L)]
    public void PoolingWithPadsAndCeilModeMatchesOrt(string op, long ceil, long countIncludePad)
    {
        var attributes = new List<(string, object)> { ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("ceil_mode", ceil) };
        if (op == "AveragePool") attributes.Add(("count_include_pad", countIncludePad));
        var model = new TestModelBuilder(13).Input("x", "N", 2, 8, 7).Output("y", "N", 2, "H", "W")
            .Node(op, new[] { "x" }, new[] { "y" }, attributes.ToArray())
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 2, 8, 7 });
    }

    [Theory]
    [InlineData("MaxPool")]
    [InlineData("AveragePool")]
    public void PoolingWithAsymmetricPadsMatchesOrt(string op)
    {
        var model = new TestModelBuilder(13).Input("x", "N", 2, 6, 6).Output("y", "N", 2, "H", "W")
            .Node(op, new[] { "x" }, new[] { "y" }, ("kernel_shape", new long[] { 2, 2 }), ("pads", new long[] { 0, 1, 1, 0 }))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 1, 2, 6, 6 });
    }

    [Fact]
    public void GlobalPoolsMatchOrt()
    {
        var model = new TestModelBuilder().Input("x", "N", 3, 5, 4).Output("y", "N", 3, 1, 1)
            .Node("GlobalAveragePool", new[] { "x" }, new[] { "a" })
            .Node("GlobalMaxPool", new[] { "x" }, new[] { "m" })
            .Node("Add", new[] { "a", "m" }, new[] { "y" })
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 5, 4 });
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("LeakyRelu")]
    [InlineData("Elu")]
    [InlineData("Selu")]
    [InlineData("HardSigmoid")]
    [InlineData("Softplus")]
    [InlineData("Neg")]
    [InlineData("Abs")]
    [InlineData("Erf")]
    [InlineData("Exp")]
    public void ActivationMatchesOrt(string op)
    {
        var model = new TestModelBuilder(13).Input("x", "N", 6).Output("y", "N", 6)
            .Node(op, new[] { "x" }, new[] { "y" })
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 4, 6 });
    }

    [Fact]
    public void LeakyReluUsesItsAlpha()
    {
        var model = new TestModelBuilder(13).Input("x", "N", 6).Output("y", "N", 6)
            .Node("LeakyRelu", new[] { "x" }, new[] { "y" }, ("alpha", 0.3f))
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 4, 6 });
    }

    [Fact]
    public void PReluWithChannelSlopeMatchesOrt()
    {
        var model = new TestModelBuilder(13).Input("x", "N", 3, 2, 2).Output("y", "N", 3, 2, 2)
            .Weight("slope", new long[] { 3, 1, 1 })
            .Node("PRelu", new[] { "x", "slope" }, new[] { "y" })
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 2, 2 });
    }

    [Fact]
    public void BroadcastArithmeticMatchesOrt()
    {
        var model = new TestModelBuilder(13).Input("x", "N", 3, 4).Output("y", "N", 3, 4)
            .Weight("c", new long[] { 3, 1 }, 0.5f, 1.5f).Weight("r", new long[] { 4 }, 0.5f, 1.5f)
            .Node("Add", new[] { "x", "c" }, new[] { "a" })
            .Node("Mul", new[] { "a", "r" }, new[] { "m" })
            .Node("Sub", new[] { "m", "x" }, new[] { "s" })
            .Node("Div", new[] { "s", "r" }, new[] { "y" })
            .Build();
        ParityAssert.MatchesOrt(model, new long[] { 2, 3, 4 });
    }
}
