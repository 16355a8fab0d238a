using InfoPrune.Core.Execution;
using InfoPrune.Core.Validation;
using TorchSharp;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

public class ShapeOpsTests
{
    [Theory]
    [InlineData(11, 0)]
    [InlineData(11, 2)]
    [InlineData(11, -1)]
    [InlineData(13, 1)]
    [InlineData(13, 4)]
    [InlineData(13, -3)]
    public void FlattenSplitsDimsAtAxis(long opset, long axis) =>
        AssertParity(opset, Shape(2, 3, 4, 5), b => b.Node("Flatten", new[] { "x" }, new[] { "y" }, ("axis", axis)));

    [Fact]
    public void FlattenDefaultsToAxisOne() =>
        AssertParity(13, Shape(2, 3, 4), b => b.Node("Flatten", new[] { "x" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(14)]
    public void ReshapeCopiesZeroDimAndInfersMinusOne(long opset) =>
        AssertParity(opset, Shape(2, 3, 4), b => b
            .Int64s("shape", new long[] { 3 }, new long[] { 0, -1, 2 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "y" }));

    [Fact]
    public void ReshapeWithAllowZeroMakesZeroARealDim()
    {
        // Without allowzero the 0 would copy dim 0 (2) and the reshape of 0 elements to [2,3,2] would fail.
        // ParityAssert cannot read an empty output back, so the shapes are compared directly.
        var model = Model(14, Shape(2, 0, 3), b => b
            .Int64s("shape", new long[] { 3 }, new long[] { 0, 3, 2 })
            .Node("Reshape", new[] { "x", "shape" }, new[] { "y" }, ("allowzero", 1L)));
        using var ort = new OrtModelRunner(model.ToBytes());
        var (_, expectedShape) = ort.Run(Array.Empty<float>(), Shape(2, 0, 3));
        using var executor = GraphExecutor.Create(model, torch.CPU);
        using var scope = torch.NewDisposeScope();
        var output = executor.Forward(torch.zeros(2, 0, 3));
        Assert.Equal(Shape(0, 3, 2), expectedShape);
        Assert.Equal(expectedShape, output.shape);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ReshapeFollowsShapeComputedAtRunTime(long opset) =>
        // The flatten pattern PyTorch exports: Shape → Gather(0) → Unsqueeze → Concat(-1) → Reshape.
        AssertParity(opset, Shape(2, 3, 4, 5), b =>
        {
            b.Int64s("zero", Array.Empty<long>(), new long[] { 0 })
             .Int64s("minus_one", new long[] { 1 }, new long[] { -1 })
             .Node("Shape", new[] { "x" }, new[] { "s" })
             .Node("Gather", new[] { "s", "zero" }, new[] { "batch" }, ("axis", 0L));
            if (opset >= 13)
                b.Int64s("axes", new long[] { 1 }, new long[] { 0 }).Node("Unsqueeze", new[] { "batch", "axes" }, new[] { "batch1" });
            else
                b.Node("Unsqueeze", new[] { "batch" }, new[] { "batch1" }, ("axes", new long[] { 0 }));
            b.Node("Concat", new[] { "batch1", "minus_one" }, new[] { "target" }, ("axis", 0L))
             .Node("Reshape", new[] { "x", "target" }, new[] { "y" });
        });

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void TransposeFollowsPerm(long opset) =>
        AssertParity(opset, Shape(2, 3, 4, 5), b => b.Node("Transpose", new[] { "x" }, new[] { "y" }, ("perm", new long[] { 0, 2, 3, 1 })));

    [Fact]
    public void TransposeWithoutPermReversesAxes() =>
        AssertParity(13, Shape(2, 3, 4), b => b.Node("Transpose", new[] { "x" }, new[] { "y" }));

    [Fact]
    public void SqueezeRemovesListedAxesFromAttribute() =>
        AssertParity(11, Shape(2, 1, 3, 1), b => b.Node("Squeeze", new[] { "x" }, new[] { "y" }, ("axes", new long[] { -1 })));

    [Fact]
    public void SqueezeRemovesListedAxesFromInput() =>
        AssertParity(13, Shape(2, 1, 3, 1), b => b
            .Int64s("axes", new long[] { 2 }, new long[] { 1, -1 })
            .Node("Squeeze", new[] { "x", "axes" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SqueezeWithoutAxesRemovesEveryUnitAxis(long opset) =>
        AssertParity(opset, Shape(1, 3, 1, 4), b => b.Node("Squeeze", new[] { "x" }, new[] { "y" }));

    [Fact]
    public void UnsqueezeInsertsAxesFromAttribute() =>
        AssertParity(11, Shape(2, 3), b => b.Node("Unsqueeze", new[] { "x" }, new[] { "y" }, ("axes", new long[] { 0, -1 })));

    [Fact]
    public void UnsqueezeInsertsAxesFromInputAtOutputPositions() =>
        // Output rank 5: positions 1 and 3 are new, so the input dims land at 0, 2 and 4.
        AssertParity(13, Shape(2, 3, 4), b => b
            .Int64s("axes", new long[] { 2 }, new long[] { 3, 1 })
            .Node("Unsqueeze", new[] { "x", "axes" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void ConcatJoinsInputsAlongNegativeAxis(long opset) =>
        AssertParity(opset, Shape(2, 3, 4), b => b
            .Weight("w", new long[] { 2, 3, 2 })
            .Node("Concat", new[] { "x", "w", "x" }, new[] { "y" }, ("axis", -1L)));

    [Fact]
    public void ConcatJoinsChannels() =>
        AssertParity(13, Shape(2, 3, 4, 4), b => b
            .Weight("w", new long[] { 2, 5, 4, 4 })
            .Node("Concat", new[] { "w", "x" }, new[] { "y" }, ("axis", 1L)));
}
