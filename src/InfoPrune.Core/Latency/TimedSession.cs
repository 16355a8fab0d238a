using System.Diagnostics;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Validation;
using Microsoft.ML.OnnxRuntime;

namespace InfoPrune.Core.Latency;

/// <summary>
/// One ONNX Runtime session with its inputs allocated once (zeros; CPU kernels take the same time
/// whatever the values), so a timed run measures inference and the output allocation an
/// application also pays, nothing of ours.
/// </summary>
internal sealed class TimedSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <param name="model">ONNX bytes.</param>
    /// <param name="inputs">Every graph input the caller feeds, with the concrete shape to time it at.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 leaves ONNX Runtime's default (one per core).</param>
    /// <param name="profilePrefix">When set, ONNX Runtime's profiler records every kernel run to a file starting with this path (see <see cref="EndProfiling"/>).</param>
    public TimedSession(byte[] model, IReadOnlyList<(string Name, long[] Shape)> inputs, int threads, string? profilePrefix = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (profilePrefix != null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            options.InterOpNumThreads = 1;
        }
        try
        {
            _session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InfoPruneException(OrtModelRunner.OrtFailure, $"ONNX Runtime cannot load the model to time it: {ex.Message}");
        }
        _inputNames = inputs.Select(i => i.Name).ToArray();
        _inputs = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(new float[checked((int)i.Shape.Aggregate(1L, (a, b) => a * b))], i.Shape)).ToArray();
        _outputNames = _session.OutputNames.ToArray();
    }

    /// <summary>Runs once and returns the wall time in milliseconds.</summary>
    public double RunMilliseconds()
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var outputs = _session.Run(_runOptions, _inputNames, _inputs, _outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InfoPruneException(OrtModelRunner.OrtFailure, $"ONNX Runtime failed to run the model being timed: {ex.Message}");
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Stops the profiler and returns the path of the file it wrote.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        foreach (var input in _inputs) input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
