using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ReduceMeanOpTests
{
    [Theory]
    [InlineData(11, 1)]
    [InlineData(11, 0)]
    [InlineData(13, 1)]
    [InlineData(13, 0)]
    [InlineData(17, 0)]
    public void ReduceMeanOverAttributeAxes(long opset, long keepDims) =>
        AssertParity(opset, Shape(2, 3, 4, 5), b => b
            .Node("ReduceMean", new[] { "x" }, new[] { "y" }, ("axes", new long[] { 2, -1 }), ("keepdims", keepDims)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void ReduceMeanWithoutAxesReducesEverythingKeepingDims(long opset) =>
        AssertParity(opset, Shape(2, 3, 4), b => b.Node("ReduceMean", new[] { "x" }, new[] { "y" }));

    [Theory]
    [InlineData(18, 1)]
    [InlineData(18, 0)]
    public void ReduceMeanReadsAxesInputFromOpset18(long opset, long keepDims) =>
        AssertParity(opset, Shape(2, 3, 4, 5), b => b
            .Int64s("axes", new long[] { 2 }, new long[] { 1, -2 })
            .Node("ReduceMean", new[] { "x", "axes" }, new[] { "y" }, ("keepdims", keepDims)));

    [Fact]
    public void ReduceMeanWithEmptyAxesAndNoopIsIdentity() =>
        AssertParity(18, Shape(2, 3, 4), b => b
            .Int64s("axes", new long[] { 0 }, Array.Empty<long>())
            .Node("ReduceMean", new[] { "x", "axes" }, new[] { "y" }, ("noop_with_empty_axes", 1L)));
}
