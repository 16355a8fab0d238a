using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ShapeAndGatherTests
{
    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    public void ShapeStartEndSliceTheDims(long opset) =>
        // Shape(start=-2) = [4, 5]; Concat([-1], it) = [-1, 4, 5]: the reshape only works if the slice is right.
        AssertParity(opset, Shape(2, 3, 4, 5), b => b
            .Int64s("minus_one", new long[] { 1 }, new long[] { -1 })
            .Node("Shape", new[] { "x" }, new[] { "tail" }, ("start", -2L))
            .Node("Concat", new[] { "minus_one", "tail" }, new[] { "target" }, ("axis", 0L))
            .Node("Reshape", new[] { "x", "target" }, new[] { "y" }));

    [Fact]
    public void ShapeEndIsExclusiveAndClamped() =>
        // Shape(start=1, end=2) = [3]; Shape(start=-9, end=1) = [2] (start clamped to 0): target [2, 3, -1].
        AssertParity(15, Shape(2, 3, 4, 5), b => b
            .Int64s("minus_one", new long[] { 1 }, new long[] { -1 })
            .Node("Shape", new[] { "x" }, new[] { "middle" }, ("start", 1L), ("end", 2L))
            .Node("Shape", new[] { "x" }, new[] { "head" }, ("start", -9L), ("end", 1L))
            .Node("Concat", new[] { "head", "middle", "minus_one" }, new[] { "target" }, ("axis", 0L))
            .Node("Reshape", new[] { "x", "target" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void GatherPicksFloatSlicesWithNegativeIndices(long opset) =>
        // 2-D indices on axis 1 of a [2, 5, 3] tensor: output [2, 2, 2, 3].
        AssertParity(opset, Shape(2, 5, 3), b => b
            .Int64s("indices", new long[] { 2, 2 }, new long[] { 0, -1, 3, -4 })
            .Node("Gather", new[] { "x", "indices" }, new[] { "y" }, ("axis", 1L)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void GatherWithScalarIndexDropsTheAxis(long opset) =>
        AssertParity(opset, Shape(2, 5, 3), b => b
            .Int64s("index", Array.Empty<long>(), new long[] { -2 })
            .Node("Gather", new[] { "x", "index" }, new[] { "y" }, ("axis", -1L)));

    [Fact]
    public void GatherDefaultsToAxisZero() =>
        AssertParity(13, Shape(4, 3), b => b
            .Int64s("indices", new long[] { 3 }, new long[] { 3, 0, 3 })
            .Node("Gather", new[] { "x", "indices" }, new[] { "y" }));

    [Fact]
    public void GatherReadsDimsFromShapeTensors() =>
        // Gather on an int64 shape: [dims[2], dims[1]·dims[3]] built from pieces, via indices [2] and [-1].
        AssertParity(13, Shape(1, 3, 4, 5), b => b
            .Int64s("i2", new long[] { 1 }, new long[] { 2 })
            .Int64s("ilast", new long[] { 1 }, new long[] { -1 })
            .Int64s("minus_one", new long[] { 1 }, new long[] { -1 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("Gather", new[] { "s", "i2" }, new[] { "d2" })
            .Node("Gather", new[] { "s", "ilast" }, new[] { "d3" })
            .Node("Concat", new[] { "minus_one", "d2", "d3" }, new[] { "target" }, ("axis", 0L))
            .Node("Reshape", new[] { "x", "target" }, new[] { "y" }));
}
