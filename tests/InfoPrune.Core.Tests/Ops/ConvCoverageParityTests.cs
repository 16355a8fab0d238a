using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>Convolutions and 3-D pooling the ONNX node suite does not cover, against ONNX Runtime.</summary>
public class ConvCoverageParityTests
{
    [Fact]
    public void DepthwiseConvWithChannelMultiplierAndStrideMatchesOrt() =>
        AssertParity(13, Shape(2, 3, 7, 7), b => b
            .Weight("w", new long[] { 6, 1, 3, 3 }).Weight("b", new long[] { 6 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("group", 3L), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })));

    [Fact]
    public void GroupedDilatedConvMatchesOrt() =>
        AssertParity(13, Shape(1, 4, 9, 8), b => b
            .Weight("w", new long[] { 6, 2, 3, 2 })
            .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("group", 2L), ("dilations", new long[] { 2, 3 }), ("pads", new long[] { 2, 1, 1, 2 })));

    [Fact]
    public void Conv1dGroupedDilatedAsymmetricPadsMatchesOrt() =>
        AssertParity(13, Shape(2, 4, 11), b => b
            .Weight("w", new long[] { 4, 2, 3 }).Weight("b", new long[] { 4 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("group", 2L), ("dilations", new long[] { 2 }), ("pads", new long[] { 2, 1 })));

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    public void Conv3dWithAsymmetricPadsMatchesOrt(long groups) =>
        AssertParity(13, Shape(1, 2, 5, 4, 6), b => b
            .Weight("w", new long[] { 4, 2 / groups, 3, 2, 3 }).Weight("b", new long[] { 4 })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("group", groups), ("strides", new long[] { 1, 2, 2 }),
                ("pads", new long[] { 1, 0, 1, 0, 1, 2 }), ("dilations", new long[] { 1, 1, 2 })));

    [Theory]
    [InlineData("MaxPool", 0L)]
    [InlineData("AveragePool", 0L)]
    [InlineData("AveragePool", 1L)]
    public void Pooling3dWithAsymmetricPadsMatchesOrt(string op, long countIncludePad)
    {
        var attributes = new List<(string, object)> { ("kernel_shape", new long[] { 2, 3, 2 }), ("strides", new long[] { 1, 2, 2 }), ("pads", new long[] { 0, 1, 1, 1, 0, 0 }) };
        if (op == "AveragePool") attributes.Add(("count_include_pad", countIncludePad));
        AssertParity(13, Shape(2, 2, 4, 5, 6), b => b.Node(op, new[] { "x" }, new[] { "y" }, attributes.ToArray()));
    }
}
