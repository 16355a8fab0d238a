using InfoPrune.Core.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InfoPrune.Core.Validation;

/// <summary>
/// Runs a model in ONNX Runtime: the reference the executor is compared with, and the runtime
/// whose accuracy of the written file is what gets gated. One choke point for ORT's native errors.
/// </summary>
public sealed class OrtModelRunner : IDisposable
{
    /// <summary>ORT failed to load or run the model.</summary>
    public static readonly ErrorCode OrtFailure = ErrorCode.Input(150);

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly string? _modelPath;

    public OrtModelRunner(byte[] modelBytes, string? modelPath = null, int threads = 0)
    {
        _modelPath = modelPath;
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
            options.InterOpNumThreads = 1;
        }
        try
        {
            _session = new InferenceSession(modelBytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InfoPruneException(OrtFailure, $"ONNX Runtime cannot load the model: {ex.Message}", modelPath);
        }
        _inputName = _session.InputMetadata.Keys.First();
        _outputName = _session.OutputMetadata.Keys.First();
    }

    public static OrtModelRunner FromFile(string path, int threads = 0) => new(File.ReadAllBytes(path), path, threads);

    /// <summary>Runs the first input → first output; <paramref name="input"/> is laid out as <paramref name="shape"/>.</summary>
    public (float[] Values, long[] Shape) Run(float[] input, long[] shape)
    {
        try
        {
            var tensor = new DenseTensor<float>(input, shape.Select(d => (int)d).ToArray());
            using var results = _session.Run(new[] { NamedOnnxValue.CreateFromTensor(_inputName, tensor) }, new[] { _outputName });
            var output = results.First().AsTensor<float>();
            return (output.ToArray(), output.Dimensions.ToArray().Select(d => (long)d).ToArray());
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InfoPruneException(OrtFailure, $"ONNX Runtime failed to run the model: {ex.Message}", _modelPath);
        }
    }

    public void Dispose() => _session.Dispose();
}
