using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class PadOpTests
{
    [Fact]
    public void PadBeforeOpset11ReadsPadsAndValueFromAttributes() =>
        AssertParity(10, Shape(2, 3, 4), b => b.Node("Pad", new[] { "x" }, new[] { "y" },
            ("pads", new long[] { 0, 1, 2, 1, 0, 3 }), ("value", 1.5f)));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void PadConstantFillsWithConstantValueInput(long opset) =>
        AssertParity(opset, Shape(2, 3, 4), b => b
            .Int64s("pads", new long[] { 6 }, new long[] { 1, 0, 2, 0, 3, 1 })
            .Floats("value", Array.Empty<long>(), new[] { -0.75f })
            .Node("Pad", new[] { "x", "pads", "value" }, new[] { "y" }, ("mode", "constant")));

    [Fact]
    public void PadConstantDefaultsToZero() =>
        AssertParity(13, Shape(2, 3, 4), b => b
            .Int64s("pads", new long[] { 6 }, new long[] { 0, 0, 2, 0, 0, 1 })
            .Node("Pad", new[] { "x", "pads" }, new[] { "y" }));

    [Theory]
    [InlineData(11, "reflect")]
    [InlineData(11, "edge")]
    [InlineData(13, "reflect")]
    [InlineData(13, "edge")]
    public void PadMirrorsOrRepeatsOnEveryPaddedAxis(long opset, string mode) =>
        // Pads on a non-trailing axis too (axis 1 of 4-D), which torch's own reflect/replicate cannot do.
        AssertParity(opset, Shape(2, 3, 4, 5), b => b
            .Int64s("pads", new long[] { 8 }, new long[] { 0, 2, 1, 3, 0, 1, 3, 4 })
            .Node("Pad", new[] { "x", "pads" }, new[] { "y" }, ("mode", mode)));

    [Theory]
    [InlineData("constant")]
    [InlineData("edge")]
    [InlineData("reflect")]
    public void PadNegativePadsCrop(string mode) =>
        AssertParity(13, Shape(2, 5, 6), b => b
            .Int64s("pads", new long[] { 6 }, new long[] { 0, -1, 2, 0, 1, -3 })
            .Node("Pad", new[] { "x", "pads" }, new[] { "y" }, ("mode", mode)));

    [Fact]
    public void PadAxesInputSelectsWhichAxesThePadsAreFor() =>
        AssertParity(18, Shape(2, 3, 4, 5), b => b
            .Int64s("pads", new long[] { 4 }, new long[] { 1, 2, 3, 0 })
            .Int64s("axes", new long[] { 2 }, new long[] { -1, 1 })
            .Node("Pad", new[] { "x", "pads", "", "axes" }, new[] { "y" }, ("mode", "edge")));

    [Fact]
    public void PadWrapRepeatsTheTensorAsATorus() =>
        AssertParity(19, Shape(2, 3, 4), b => b
            .Int64s("pads", new long[] { 6 }, new long[] { 0, 2, 1, 0, 1, 3 })
            .Node("Pad", new[] { "x", "pads" }, new[] { "y" }, ("mode", "wrap")));
}
