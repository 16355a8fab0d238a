using System.Diagnostics;

namespace InfoPrune.Core.Validation;

/// <summary>Median ONNX Runtime inference time of a model at a batch size, on a zero input.</summary>
public static class OrtLatency
{
    public static double MedianMilliseconds(byte[] model, long[] sampleShape, int batch, int runs, int threads)
    {
        using var runner = new OrtModelRunner(model, null, threads);
        var shape = new[] { (long)batch }.Concat(sampleShape).ToArray();
        var input = new float[(int)shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < 2; i++) runner.Run(input, shape); // warm-up: first runs allocate and plan
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            runner.Run(input, shape);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
