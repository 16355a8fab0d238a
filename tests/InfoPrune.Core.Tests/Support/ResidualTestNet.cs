using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Tests.Support;

/// <summary>
/// A small network with every kind of layer the loop's graph transforms decide on:
/// conv (bias) → relu → (conv (bias) + 1x1 shortcut conv, no bias) added → relu → conv → BatchNorm (kept) →
/// relu → GAP → flatten → gemm (hidden) → relu → gemm (head). A residual coupled set, a layer with
/// its BatchNorm kept, and a hidden fully connected layer; the widths and seed vary per test.
/// </summary>
public static class ResidualTestNet
{
    public static OnnxModel Build(int seed, int inputChannels, int size, int first, int residual, int normalized, int hidden, int classes) =>
        new TestModelBuilder(13, seed: seed).Input("x", "N", inputChannels, size, size).Output("y", "N", classes)
        .Weight("c1w", new long[] { first, inputChannels, 3, 3 }).Weight("c1b", new long[] { first })
        .Weight("c2w", new long[] { residual, first, 3, 3 }).Weight("c2b", new long[] { residual })
        .Weight("scw", new long[] { residual, first, 1, 1 })
        .Weight("c3w", new long[] { normalized, residual, 3, 3 })
        .Weight("bn_s", new long[] { normalized }, 0.5f, 1.5f).Weight("bn_b", new long[] { normalized }).Weight("bn_m", new long[] { normalized }).Weight("bn_v", new long[] { normalized }, 0.5f, 1.5f)
        .Weight("f1w", new long[] { hidden, normalized }).Weight("f1b", new long[] { hidden })
        .Weight("f2w", new long[] { classes, hidden }).Weight("f2b", new long[] { classes })
        .Node("Conv", new[] { "x", "c1w", "c1b" }, new[] { "a" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("Relu", new[] { "a" }, new[] { "a2" })
        .Node("Conv", new[] { "a2", "c2w", "c2b" }, new[] { "b" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("Conv", new[] { "a2", "scw" }, new[] { "s" })
        .Node("Add", new[] { "b", "s" }, new[] { "r" })
        .Node("Relu", new[] { "r" }, new[] { "r2" })
        .Node("Conv", new[] { "r2", "c3w" }, new[] { "c" }, ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("BatchNormalization", new[] { "c", "bn_s", "bn_b", "bn_m", "bn_v" }, new[] { "c2" })
        .Node("Relu", new[] { "c2" }, new[] { "c3" })
        .Node("GlobalAveragePool", new[] { "c3" }, new[] { "g" })
        .Node("Flatten", new[] { "g" }, new[] { "f" })
        .Node("Gemm", new[] { "f", "f1w", "f1b" }, new[] { "h" }, ("transB", 1L))
        .Node("Relu", new[] { "h" }, new[] { "h2" })
        .Node("Gemm", new[] { "h2", "f2w", "f2b" }, new[] { "y" }, ("transB", 1L))
        .Build();
}
