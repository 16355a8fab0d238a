using InfoPrune.Core.Onnx;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ConstantOpsTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ConstantValueTensorJoinsTheGraph(long opset) =>
        AssertParity(opset, Shape(2, 3), b => b
            .Node("Constant", Array.Empty<string>(), new[] { "c" },
                ("value", OnnxTensor.FromFloats("c", new long[] { 1, 3 }, new[] { 0.25f, -2f, 7f })))
            .Node("Concat", new[] { "x", "c" }, new[] { "y" }, ("axis", 0L)));

    [Fact]
    public void ConstantValueFloatsIsAOneDimTensor() =>
        AssertParity(13, Shape(4), b => b
            .Node("Constant", Array.Empty<string>(), new[] { "c" }, ("value_floats", new[] { 1.5f, -3f }))
            .Node("Concat", new[] { "c", "x" }, new[] { "y" }, ("axis", 0L)));

    [Fact]
    public void ConstantValueIntsServesAsReshapeTarget() =>
        AssertParity(13, Shape(2, 3, 4), b => b
            .Node("Constant", Array.Empty<string>(), new[] { "target" }, ("value_ints", new long[] { 4, -1 }))
            .Node("Reshape", new[] { "x", "target" }, new[] { "y" }));

    [Fact]
    public void ConstantValueFloatServesAsClipBound() =>
        AssertParity(13, Shape(3, 4), b => b
            .Node("Constant", Array.Empty<string>(), new[] { "low" }, ("value_float", -0.25f))
            .Node("Clip", new[] { "x", "low" }, new[] { "y" }));

    [Fact]
    public void ConstantValueIntIsAScalarGatherIndex() =>
        AssertParity(13, Shape(3, 4), b => b
            .Node("Constant", Array.Empty<string>(), new[] { "i" }, ("value_int", 2L))
            .Node("Gather", new[] { "x", "i" }, new[] { "y" }, ("axis", 1L)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void IdentityPassesInputThrough(long opset) =>
        AssertParity(opset, Shape(2, 3), b => b
            .Node("Identity", new[] { "x" }, new[] { "a" })
            .Node("Identity", new[] { "a" }, new[] { "y" }));
}
