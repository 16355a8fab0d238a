using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ClipAndSoftmaxTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    public void ClipReadsBoundsFromAttributesBeforeOpset11(long opset) =>
        AssertParity(opset, Shape(3, 4), b => b.Node("Clip", new[] { "x" }, new[] { "y" }, ("min", -0.3f), ("max", 0.4f)));

    [Fact]
    public void ClipWithOnlyMaxAttributeLeavesTheLowSide() =>
        AssertParity(10, Shape(3, 4), b => b.Node("Clip", new[] { "x" }, new[] { "y" }, ("max", 0.1f)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ClipReadsBoundsFromInputs(long opset) =>
        AssertParity(opset, Shape(3, 4), b => b
            .Floats("low", Array.Empty<long>(), new[] { -0.3f })
            .Floats("high", Array.Empty<long>(), new[] { 0.4f })
            .Node("Clip", new[] { "x", "low", "high" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ClipWithOmittedMinClipsOnlyAbove(long opset) =>
        AssertParity(opset, Shape(3, 4), b => b
            .Floats("high", Array.Empty<long>(), new[] { 0.2f })
            .Node("Clip", new[] { "x", "", "high" }, new[] { "y" }));

    [Fact]
    public void ClipWithoutBoundsIsIdentity() =>
        AssertParity(13, Shape(3, 4), b => b.Node("Clip", new[] { "x" }, new[] { "y" }));

    [Fact]
    public void ClipReadsBoundsComputedAtRunTime() =>
        // min = ReduceMean(x): only known once x is.
        AssertParity(13, Shape(3, 4), b => b
            .Node("ReduceMean", new[] { "x" }, new[] { "m" }, ("keepdims", 0L))
            .Node("Clip", new[] { "x", "m" }, new[] { "y" }));

    [Theory]
    [InlineData("Softmax", 11, 1)]
    [InlineData("Softmax", 11, 2)]
    [InlineData("Softmax", 11, -1)]
    [InlineData("LogSoftmax", 11, 1)]
    [InlineData("LogSoftmax", 12, 0)]
    public void SoftmaxBeforeOpset13NormalizesTheFlattenedTrailingDims(string op, long opset, long axis) =>
        AssertParity(opset, Shape(2, 3, 4), b => b.Node(op, new[] { "x" }, new[] { "y" }, ("axis", axis)));

    [Theory]
    [InlineData("Softmax", 13, 1)]
    [InlineData("Softmax", 13, -3)]
    [InlineData("LogSoftmax", 13, 1)]
    [InlineData("LogSoftmax", 17, 0)]
    public void SoftmaxFromOpset13NormalizesAlongOneAxis(string op, long opset, long axis) =>
        AssertParity(opset, Shape(2, 3, 4), b => b.Node(op, new[] { "x" }, new[] { "y" }, ("axis", axis)));

    [Theory]
    [InlineData("Softmax", 11)]
    [InlineData("Softmax", 13)]
    [InlineData("LogSoftmax", 11)]
    [InlineData("LogSoftmax", 13)]
    public void SoftmaxDefaultAxisDependsOnOpset(string op, long opset) =>
        // Default axis 1 (2-D view) before 13, -1 from 13: on a 3-D input these differ.
        AssertParity(opset, Shape(2, 3, 4), b => b.Node(op, new[] { "x" }, new[] { "y" }));
}
