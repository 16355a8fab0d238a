using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;
using static InfoPrune.Core.Tests.Ops.ShapeOpsTestSupport;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>The ops PyTorch exports for classifiers beyond plain conv nets, against ONNX Runtime.</summary>
public class ExportedOpsParityTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SliceWithNegativeStepsAndClampedBoundsMatchesOrt(long opset) =>
        AssertParity(opset, Shape(2, 6, 5, 4), b => b
            .Int64s("starts", new long[] { 3 }, new long[] { -1, 1, 100 })
            .Int64s("ends", new long[] { 3 }, new long[] { -100, 4, 0 })
            .Int64s("axes", new long[] { 3 }, new long[] { 1, 2, -1 })
            .Int64s("steps", new long[] { 3 }, new long[] { -2, 2, -1 })
            .Node("Slice", new[] { "x", "starts", "ends", "axes", "steps" }, new[] { "y" }));

    [Fact]
    public void SliceWithAttributesAtOpset9MatchesOrt() =>
        AssertParity(9, Shape(2, 6, 5), b => b
            .Node("Slice", new[] { "x" }, new[] { "y" }, ("starts", new long[] { 1, 0 }), ("ends", new long[] { 4, -1 }), ("axes", new long[] { 1, 2 })));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SplitIntoUnequalPartsThenConcatMatchesOrt(long opset) =>
        AssertParity(opset, Shape(2, 6, 3), b =>
        {
            if (opset >= 13)
                b.Int64s("sizes", new long[] { 2 }, new long[] { 2, 4 })
                 .Node("Split", new[] { "x", "sizes" }, new[] { "a", "c" }, ("axis", 1L));
            else
                b.Node("Split", new[] { "x" }, new[] { "a", "c" }, ("axis", 1L), ("split", new long[] { 2, 4 }));
            b.Node("Neg", new[] { "a" }, new[] { "na" })
             .Node("Concat", new[] { "c", "na" }, new[] { "y" }, ("axis", 1L));
        });

    [Fact]
    public void ExpandWhereEqualOnAComputedShapeMatchOrt() =>
        // The dynamic-batch pattern: compare a shape with a constant, pick, and expand to it.
        AssertParity(13, Shape(3, 4), b => b
            .Int64s("minus_one", new long[] { 2 }, new long[] { -1, -1 })
            .Int64s("ones", new long[] { 2 }, new long[] { 1, 4 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("Equal", new[] { "minus_one", "ones" }, new[] { "is_minus" })
            .Node("Where", new[] { "is_minus", "ones", "s" }, new[] { "target" })
            .Node("Cast", new[] { "x" }, new[] { "xd" }, ("to", (long)TensorElementType.Double))
            .Node("Cast", new[] { "xd" }, new[] { "xf" }, ("to", (long)TensorElementType.Float))
            .Node("Expand", new[] { "xf", "target" }, new[] { "y" }));

    [Fact]
    public void ConstantOfShapeAddsLikeAZeroTensor() =>
        AssertParity(13, Shape(2, 3), b => b
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("ConstantOfShape", new[] { "s" }, new[] { "c" }, ("value", OnnxTensor.FromFloats("v", new long[] { 1 }, new[] { 0.25f })))
            .Node("Add", new[] { "x", "c" }, new[] { "y" }));

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void SoftmaxExpandedWithReduceMaxAndReduceSumMatchesOrt(long opset) =>
        AssertParity(opset, Shape(2, 5), b =>
        {
            if (opset >= 18)
                b.Int64s("axes", new long[] { 1 }, new long[] { 1 })
                 .Node("ReduceMax", new[] { "x", "axes" }, new[] { "m" })
                 .Node("Sub", new[] { "x", "m" }, new[] { "d" })
                 .Node("Exp", new[] { "d" }, new[] { "e" })
                 .Node("ReduceSum", new[] { "e", "axes" }, new[] { "s" });
            else if (opset >= 13)
                b.Int64s("axes", new long[] { 1 }, new long[] { 1 })
                 .Node("ReduceMax", new[] { "x" }, new[] { "m" }, ("axes", new long[] { 1 }))
                 .Node("Sub", new[] { "x", "m" }, new[] { "d" })
                 .Node("Exp", new[] { "d" }, new[] { "e" })
                 .Node("ReduceSum", new[] { "e", "axes" }, new[] { "s" });
            else
                b.Node("ReduceMax", new[] { "x" }, new[] { "m" }, ("axes", new long[] { 1 }))
                 .Node("Sub", new[] { "x", "m" }, new[] { "d" })
                 .Node("Exp", new[] { "d" }, new[] { "e" })
                 .Node("ReduceSum", new[] { "e" }, new[] { "s" }, ("axes", new long[] { 1 }));
            b.Node("Div", new[] { "e", "s" }, new[] { "y" });
        });

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(2)]
    public void LayerNormalizationMatchesOrt(long axis)
    {
        var normalized = axis switch { -1 => new long[] { 4 }, 1 => new long[] { 3, 5, 4 }, _ => new long[] { 5, 4 } };
        AssertParity(17, Shape(2, 3, 5, 4), b => b
            .Weight("scale", normalized, 0.5f, 1.5f).Weight("bias", normalized)
            .Node("LayerNormalization", new[] { "x", "scale", "bias" }, new[] { "y" }, ("axis", axis), ("epsilon", 1e-4f)));
    }

    [Fact]
    public void InstanceNormalizationMatchesOrt() =>
        AssertParity(13, Shape(2, 3, 5, 4), b => b
            .Weight("scale", new long[] { 3 }, 0.5f, 1.5f).Weight("bias", new long[] { 3 })
            .Node("InstanceNormalization", new[] { "x", "scale", "bias" }, new[] { "y" }));

    [Theory]
    [InlineData("nearest", "asymmetric", 2.0f)]
    [InlineData("nearest", "half_pixel", 0.5f)]
    [InlineData("linear", "half_pixel", 1.5f)]
    [InlineData("linear", "align_corners", 0.6f)]
    [InlineData("linear", "pytorch_half_pixel", 0.5f)]
    [InlineData("cubic", "half_pixel", 1.7f)]
    [InlineData("cubic", "align_corners", 0.6f)]
    public void ResizeMatchesOrt(string mode, string transform, float scale) =>
        AssertParity(13, Shape(1, 2, 5, 4), b => b
            .Floats("scales", new long[] { 4 }, new[] { 1f, 1f, scale, scale })
            .Node("Resize", new[] { "x", "", "scales" }, new[] { "y" }, ("mode", mode), ("coordinate_transformation_mode", transform)));

    [Theory]
    [InlineData("NOTSET")]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    public void ConvTransposeWithStridesAndAutoPadMatchesOrt(string autoPad)
    {
        var attributes = new List<(string, object)> { ("strides", new long[] { 2, 3 }), ("auto_pad", autoPad) };
        if (autoPad == "NOTSET") attributes.Add(("pads", new long[] { 1, 0, 0, 2 }));
        AssertParity(13, Shape(2, 3, 4, 5), b => b
            .Weight("w", new long[] { 3, 2, 3, 4 }).Weight("b", new long[] { 2 })
            .Node("ConvTranspose", new[] { "x", "w", "b" }, new[] { "y" }, attributes.ToArray()));
    }

    [Fact]
    public void ConvTransposeWithOutputShapeDilationAndGroupsMatchesOrt() =>
        AssertParity(13, Shape(1, 4, 3, 3), b => b
            .Weight("w", new long[] { 4, 1, 2, 2 })
            .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, ("strides", new long[] { 2, 2 }), ("group", 2L),
                ("dilations", new long[] { 2, 1 }), ("output_shape", new long[] { 6, 6 })));

    [Fact]
    public void ConvTranspose1dAnd3dMatchOrt()
    {
        AssertParity(13, Shape(2, 3, 6), b => b
            .Weight("w", new long[] { 3, 2, 3 })
            .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, ("strides", new long[] { 2 }), ("output_padding", new long[] { 1 })));
        AssertParity(13, Shape(1, 2, 3, 3, 2), b => b
            .Weight("w", new long[] { 2, 2, 2, 2, 2 })
            .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, ("strides", new long[] { 2, 1, 2 }), ("pads", new long[] { 1, 0, 0, 0, 1, 1 })));
    }

    [Fact]
    public void EinsumMatchesOrt() =>
        AssertParity(13, Shape(2, 3, 4), b => b
            .Weight("w", new long[] { 4, 5 })
            .Node("Einsum", new[] { "x", "w" }, new[] { "y" }, ("equation", "bij, jk -> bik")));
}
