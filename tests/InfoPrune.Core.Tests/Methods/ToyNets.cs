using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>Small nets with hidden units of known information, and data for them.</summary>
public static class ToyNets
{
    /// <summary>Hidden unit 0 copies the label, 1 is noise, 2 never fires, 3 mostly follows the label.</summary>
    public const int LabelCopy = 0, Noise = 1, Dead = 2, Partial = 3;

    /// <summary>
    /// x = [label, u] with u uniform noise; hidden h = act(W1·x + b1) with 4 units (see the constants);
    /// logits = W2·h + b2 over 2 classes. With "Sigmoid" the pre-activations are scaled by 8 so the
    /// units saturate on either side of 0.5, the paper's sigmoid threshold.
    /// </summary>
    public static OnnxModel LabelAndNoise(string activation)
    {
        var gain = activation == "Sigmoid" ? 8f : 1f;
        // Rows are hidden units, columns the inputs [label, noise] (Gemm transB = 1).
        var w1 = new[] { 1f, 0f, 0f, 1f, 0f, 0f, 0.8f, 0.4f }.Select(v => v * gain).ToArray();
        var b1 = new[] { -0.5f, -0.5f, -1f, -0.6f }.Select(v => v * gain).ToArray();
        if (activation == "Sigmoid") b1[Dead] = -20f; // saturated low for every input
        return new TestModelBuilder(13, seed: 2).Input("x", "N", 2).Output("logits", "N", 2)
            .Floats("w1", new long[] { 4, 2 }, w1).Floats("b1", new long[] { 4 }, b1)
            .Floats("w2", new long[] { 2, 4 }, new[] { -1f, 0.1f, 0.2f, -0.5f, 1f, -0.1f, 0.3f, 0.5f }).Floats("b2", new long[] { 2 }, new[] { 0.3f, -0.3f })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "pre" }, ("transB", 1L))
            .Node(activation, new[] { "pre" }, new[] { "h" })
            .Node("Gemm", new[] { "h", "w2", "b2" }, new[] { "logits" }, ("transB", 1L))
            .Build();
    }

    /// <summary>The hidden activations of <see cref="LabelAndNoise"/> computed by hand.</summary>
    public static float[] Hidden(string activation, float label, float noise)
    {
        var model = LabelAndNoise(activation);
        var w1 = model.Graph.Initializers["w1"].ToFloatArray();
        var b1 = model.Graph.Initializers["b1"].ToFloatArray();
        var h = new float[4];
        for (var j = 0; j < 4; j++)
        {
            var z = w1[j * 2] * label + w1[j * 2 + 1] * noise + b1[j];
            h[j] = activation == "Sigmoid" ? 1f / (1f + MathF.Exp(-z)) : Math.Max(0f, z);
        }
        return h;
    }

    /// <summary>Hidden units of <see cref="InformationAgainstMagnitude"/>.</summary>
    public const int StrongCopy = 0, WeakCopy = 1, LoudNoise = 2, Silent = 3;

    /// <summary>
    /// Information and weight size pulling apart, on <see cref="LabelAndNoiseData"/>'s inputs
    /// [label, u]: <see cref="StrongCopy"/> and <see cref="WeakCopy"/> both fire exactly when the label
    /// is 1 (one bit each), with large and small weights; <see cref="LoudNoise"/> fires when u > 0.5
    /// (no information about the label) and has the largest weights; <see cref="Silent"/> never fires
    /// and has small weights. L1 norms of (row, bias, outgoing column): 3.5, 0.7, 13.5, 1.2.
    /// </summary>
    public static OnnxModel InformationAgainstMagnitude() => new TestModelBuilder(13, seed: 2).Input("x", "N", 2).Output("logits", "N", 2)
        .Floats("w1", new long[] { 4, 2 }, new[] { 1f, 0f, 0.2f, 0f, 0f, 5f, 0f, 0f })
        .Floats("b1", new long[] { 4 }, new[] { -0.5f, -0.1f, -2.5f, -1f })
        .Floats("w2", new long[] { 2, 4 }, new[] { -1f, -0.2f, 3f, 0.1f, 1f, 0.2f, -3f, -0.1f })
        .Floats("b2", new long[] { 2 }, new[] { 0f, 0f })
        .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "pre" }, ("transB", 1L))
        .Node("Relu", new[] { "pre" }, new[] { "h" })
        .Node("Gemm", new[] { "h", "w2", "b2" }, new[] { "logits" }, ("transB", 1L))
        .Build();

    /// <summary>Balanced labels with independent uniform noise, seeded.</summary>
    public static InMemoryData LabelAndNoiseData(int count, int seed = 7)
    {
        var random = new Random(seed);
        var images = new float[count * 2];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            images[2 * i] = labels[i];
            images[2 * i + 1] = (float)random.NextDouble();
        }
        return new InMemoryData(images, labels, [2]);
    }

    /// <summary>x [N, 4] → Gemm 6 → act → Gemm 6 → act → Gemm 3: two equal hidden layers (depth tests).</summary>
    public static OnnxModel TwoHiddenLayers(string activation = "Relu") => new TestModelBuilder(13, seed: 5).Input("x", "N", 4).Output("logits", "N", 3)
        .Weight("w1", new long[] { 6, 4 }).Weight("b1", new long[] { 6 })
        .Weight("w2", new long[] { 6, 6 }).Weight("b2", new long[] { 6 })
        .Weight("w3", new long[] { 3, 6 }).Weight("b3", new long[] { 3 })
        .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "p1" }, ("transB", 1L))
        .Node(activation, new[] { "p1" }, new[] { "h1" })
        .Node("Gemm", new[] { "h1", "w2", "b2" }, new[] { "p2" }, ("transB", 1L))
        .Node(activation, new[] { "p2" }, new[] { "h2" })
        .Node("Gemm", new[] { "h2", "w3", "b3" }, new[] { "logits" }, ("transB", 1L))
        .Build();

    /// <summary>Random inputs in [-1, 1] with 3 classes by the sign pattern of two inputs, seeded.</summary>
    public static InMemoryData ThreeClassData(int count, int seed = 3)
    {
        var random = new Random(seed);
        var images = new float[count * 4];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            for (var k = 0; k < 4; k++) images[4 * i + k] = (float)(random.NextDouble() * 2 - 1);
            labels[i] = images[4 * i] > 0.3f ? 2 : images[4 * i + 1] > 0 ? 1 : 0;
        }
        return new InMemoryData(images, labels, [4]);
    }
}
