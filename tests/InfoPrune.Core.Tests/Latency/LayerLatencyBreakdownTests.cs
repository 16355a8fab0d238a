using InfoPrune.Core.Graph;
using InfoPrune.Core.Latency;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Tests.Latency;

/// <summary>ONNX Runtime's profiler rows mapped back to the model's layers (what is measured is not asserted).</summary>
public class LayerLatencyBreakdownTests
{
    [Fact]
    public void KernelsAreAttributedToTheLayersTheyCameFromIncludingFusedOnes()
    {
        var path = TestModels.Path("lenet5.onnx");
        var graph = DependencyGraph.Analyze(OnnxModel.Load(path));
        var bytes = File.ReadAllBytes(path);

        var layers = LayerLatencyBreakdown.Measure(graph, bytes, bytes, "input", [1, 28, 28], batch: 4, threads: 1);

        var names = layers.Select(l => l.Name).ToList();
        // Conv+Relu run as one blocked kernel named after the Relu's output; Gemm+Relu as "fused /fc1/Gemm".
        Assert.Contains("/conv1/Conv", names);
        Assert.Contains("/conv2/Conv", names);
        Assert.Contains("/fc1/Gemm", names);
        Assert.Contains("/fc2/Gemm", names);
        Assert.DoesNotContain(names, n => n.Contains("Fused", StringComparison.Ordinal) || n.Contains("/Relu", StringComparison.Ordinal));
        // Layers first, in graph order.
        Assert.True(names.IndexOf("/conv1/Conv") < names.IndexOf("/conv2/Conv") && names.IndexOf("/conv2/Conv") < names.IndexOf("/fc1/Gemm"));
        Assert.InRange(layers.Sum(l => l.OriginalShare), 0.99, 1.01);
        Assert.All(layers, l => Assert.True(l.OriginalMs >= 0 && l.PrunedMs >= 0));
    }
}
