using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Validation;
using TorchSharp;

namespace InfoPrune.Core.Tests.Support;

/// <summary>Compares the TorchSharp executor with ONNX Runtime on the same seeded input.</summary>
public static class ParityAssert
{
    /// <summary>Largest absolute difference between TorchSharp (eval) and ORT outputs on one random input.</summary>
    public static double MaxAbsDifference(OnnxModel model, long[] inputShape, int seed = 7, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var count = (int)ShapeMath.Product(inputShape);
        var input = new float[count];
        for (var i = 0; i < count; i++) input[i] = low + (float)random.NextDouble() * (high - low);

        using var ort = new OrtModelRunner(model.ToBytes());
        var (expected, expectedShape) = ort.Run(input, inputShape);

        using var executor = GraphExecutor.Create(model, torch.CPU);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = executor.Forward(torch.tensor(input, inputShape));
        Assert.Equal(expectedShape, output.shape);
        var actual = output.contiguous().data<float>().ToArray();
        var max = 0.0;
        for (var i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        return max;
    }

    /// <summary>Asserts TorchSharp matches ORT within <paramref name="tolerance"/> (default 1e-4, the product's promise).</summary>
    public static void MatchesOrt(OnnxModel model, long[] inputShape, double tolerance = 1e-4, int seed = 7)
    {
        var difference = MaxAbsDifference(model, inputShape, seed);
        Assert.True(difference <= tolerance, $"max |torch - ort| = {difference:G4} > {tolerance:G4}");
    }
}
