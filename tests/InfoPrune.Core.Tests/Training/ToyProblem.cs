using InfoPrune.Core.Data;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Training;

/// <summary>A small learnable classification problem and a small model for it.</summary>
internal static class ToyProblem
{
    public const int Features = 8;
    public const int Classes = 3;

    /// <summary>Gemm → BatchNormalization → Relu (→ Dropout) → Gemm (→ Softmax) on [N, 8], 3 class scores.</summary>
    public static OnnxModel Mlp(int seed = 3, int hidden = 16, bool dropout = false, bool softmaxOutput = false)
    {
        var builder = new TestModelBuilder(13, seed).Input("x", "N", Features).Output(softmaxOutput ? "probabilities" : "logits", "N", Classes)
            .Weight("w1", new long[] { hidden, Features }).Weight("b1", new long[] { hidden })
            .Floats("bn_s", new long[] { hidden }, Enumerable.Repeat(1f, hidden).ToArray()).Floats("bn_b", new long[] { hidden }, new float[hidden])
            .Floats("bn_m", new long[] { hidden }, new float[hidden]).Floats("bn_v", new long[] { hidden }, Enumerable.Repeat(1f, hidden).ToArray())
            .Weight("w2", new long[] { Classes, hidden }).Weight("b2", new long[] { Classes })
            .Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, ("transB", 1L))
            .Node("BatchNormalization", new[] { "h", "bn_s", "bn_b", "bn_m", "bn_v" }, new[] { "hn" })
            .Node("Relu", new[] { "hn" }, new[] { dropout ? "r" : "a" });
        // Dropout (ratio 0.5 by default) draws from libtorch's generator in train mode.
        if (dropout) builder.Node("Dropout", new[] { "r" }, new[] { "a" });
        builder.Node("Gemm", new[] { "a", "w2", "b2" }, new[] { "logits" }, ("transB", 1L));
        // A model exported for deployment may end in a Softmax over the classes.
        if (softmaxOutput) builder.Node("Softmax", new[] { "logits" }, new[] { "probabilities" }, ("axis", 1L));
        return builder.Build();
    }

    /// <summary>Gaussian features; the class is which third of the feature sum's range (cut at ±1) a sample falls in.</summary>
    public static (float[] Features, long[] Labels) Samples(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * Features];
        var y = new long[count];
        for (int i = 0; i < count; i++)
        {
            double sum = 0;
            for (int f = 0; f < Features; f++)
            {
                // Box-Muller: a standard normal from two uniforms.
                double u = 1 - random.NextDouble(), v = random.NextDouble();
                var value = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
                x[i * Features + f] = value;
                sum += value;
            }
            y[i] = sum < -1 ? 0 : sum < 1 ? 1 : 2;
        }
        return (x, y);
    }

    public static LabeledDataset Dataset(int count, int seed = 5)
    {
        var (x, y) = Samples(count, seed);
        return LabeledDataset.Create(SampleArray.FromValues(x, count, Features), SampleArray.FromValues(y, count));
    }
}
