using System.Diagnostics;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using TorchSharp;

namespace InfoPrune.Core.Validation;

/// <summary>
/// Measures top-1 accuracy of a single-input classifier over a streamed dataset, in either
/// runtime, so the same numbers can be compared between what is trained (TorchSharp) and what
/// ships (ONNX Runtime).
/// </summary>
public static class Evaluator
{
    /// <summary>The data's sample shape does not fit the model's declared input.</summary>
    public static readonly ErrorCode DataDoesNotFitModel = ErrorCode.Input(151);

    /// <summary>Loads <paramref name="model"/> into <paramref name="runtime"/> and measures its accuracy.</summary>
    public static EvaluationResult Evaluate(OnnxModel model, EvaluationRuntime runtime, IBatchSource data, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        RequireSingleInput(model);
        switch (runtime)
        {
            case EvaluationRuntime.Torch:
            {
                using var executor = GraphExecutor.Create(model, DeviceChoice.Best());
                return Evaluate(executor, data, options);
            }
            case EvaluationRuntime.Ort:
            {
                using var runner = new OrtModelRunner(model.ToBytes(), model.SourcePath, options.OrtThreads);
                return Evaluate(runner, model, data, options);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(runtime), runtime, null);
        }
    }

    /// <summary>Accuracy of a compiled graph, in eval mode and without gradients; one DisposeScope per batch.</summary>
    public static EvaluationResult Evaluate(GraphExecutor executor, IBatchSource data, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        RequireSingleInput(executor.Model);
        var wasTraining = executor.Training;
        executor.Training = false;
        try
        {
            using var noGrad = torch.no_grad();
            return Run(executor.Model, data, options, batch =>
            {
                using var scope = torch.NewDisposeScope();
                var input = torch.tensor(batch.Images, batch.Shape, dtype: torch.ScalarType.Float32);
                var logits = executor.Forward(input);
                var rows = logits.reshape(batch.Count, -1);
                return rows.argmax(1).cpu().data<long>().ToArray();
            });
        }
        finally
        {
            executor.Training = wasTraining;
        }
    }

    /// <summary>Accuracy in ONNX Runtime; <paramref name="model"/> supplies the declared input for shape checks.</summary>
    public static EvaluationResult Evaluate(OrtModelRunner runner, OnnxModel model, IBatchSource data, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        return Run(model, data, options, batch =>
        {
            var (logits, _) = runner.Run(batch.Images, batch.Shape);
            return ArgmaxPerRow(logits, batch.Count);
        });
    }

    private static EvaluationResult Run(OnnxModel model, IBatchSource data, EvaluationOptions options, Func<LabeledBatch, long[]> predict)
    {
        // Models exported without a dynamic batch axis accept exactly their declared batch size.
        if (model.Graph.Inputs.Count == 1 && model.Graph.Inputs[0].Shape is { Count: > 0 } declared && declared[0].Value is > 0 and var fixedBatch)
            options = options with { BatchSize = (int)fixedBatch };
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "batch size must be positive");
        var limit = options.Limit ?? long.MaxValue;
        long correct = 0, count = 0;
        var clock = Stopwatch.StartNew();
        foreach (var full in data.ReadBatches(options.BatchSize))
        {
            if (count >= limit) break;
            var batch = full.Take((int)Math.Min(full.Count, limit - count));
            if (batch.Count == 0) continue;
            CheckFits(model, batch);
            var predicted = predict(batch);
            for (var i = 0; i < batch.Count; i++)
                if (predicted[i] == batch.Labels[i]) correct++;
            count += batch.Count;
        }
        return new EvaluationResult(correct, count, clock.Elapsed);
    }

    private static long[] ArgmaxPerRow(float[] logits, int rows)
    {
        var classes = logits.Length / rows;
        var result = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            var best = 0;
            for (var c = 1; c < row.Length; c++)
                if (row[c] > row[best]) best = c;
            result[r] = best;
        }
        return result;
    }

    private static void RequireSingleInput(OnnxModel model)
    {
        if (model.Graph.Inputs.Count != 1)
            throw new InfoPruneException(DataDoesNotFitModel,
                $"accuracy is measured on models with one input; this one has {model.Graph.Inputs.Count}", model.SourcePath);
    }

    // A mismatch caught here is a clear message about the data; caught inside a runtime it would be a native error.
    private static void CheckFits(OnnxModel model, LabeledBatch batch)
    {
        if (batch.Labels.Length != batch.Shape[0] || ShapeMath.Product(batch.Shape) != batch.Images.Length)
            throw new ArgumentException($"inconsistent batch: shape {ShapeMath.Format(batch.Shape)}, {batch.Images.Length} values, {batch.Labels.Length} labels");
        var declared = model.Graph.Inputs[0].Shape;
        if (declared == null) return;
        var fits = declared.Count == batch.Shape.Length
            && declared.Select((d, i) => i == 0 || d.Value is not > 0 || d.Value == batch.Shape[i]).All(ok => ok);
        if (!fits)
            throw new InfoPruneException(DataDoesNotFitModel,
                $"the data's batches have shape {ShapeMath.Format(batch.Shape)} but the model's input '{model.Graph.Inputs[0].Name}' is [{string.Join(",", declared)}]",
                model.SourcePath);
    }
}
