using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using TorchSharp;

namespace InfoPrune.Core.Validation;

/// <summary>
/// What ships is what was measured: the written bytes are loaded in ONNX Runtime and their
/// outputs compared with the TorchSharp executor's on the same inputs.
/// </summary>
public static class OrtParityCheck
{
    /// <summary>The written model's ORT outputs differ from TorchSharp's beyond the tolerance (a tool bug).</summary>
    public static readonly ErrorCode Mismatch = ErrorCode.Internal(9101);

    public const double Tolerance = 1e-3;

    /// <summary>Largest |ORT − TorchSharp| over the batches; throws above <see cref="Tolerance"/>.</summary>
    public static double Check(byte[] writtenModel, GraphExecutor executor, IEnumerable<LabeledBatch> batches, string? location, int ortThreads = 0)
    {
        var max = MaxDifference(writtenModel, executor, batches, location, ortThreads);
        if (!(max <= Tolerance))
            throw new InfoPruneException(Mismatch,
                $"the pruned model (not written to '{location}') gives ONNX Runtime outputs that differ from TorchSharp's by {max:G3} (> {Tolerance:G1}); the input model agreed, so this is a tool bug: please report it",
                location);
        return max;
    }

    /// <summary>
    /// Compares the input model in both runtimes on one batch before any work: when they already
    /// disagree, the file is at fault (corrupted, or an operator variant the tool runs differently),
    /// and the error names it with the numbers instead of blaming the output at the end.
    /// </summary>
    public static void CheckInputModel(OnnxModel model, byte[] modelBytes, LabeledBatch batch, string modelPath, int ortThreads = 0)
    {
        using var executor = GraphExecutor.Create(model);
        var max = MaxDifference(modelBytes, executor, [batch], modelPath, ortThreads);
        if (!(max <= Tolerance))
            throw new InfoPruneException(OnnxErrors.RuntimesDisagree,
                $"ONNX Runtime and TorchSharp disagree on this model by {max:G3} (> {Tolerance:G1}) on the first {batch.Count} validation samples, before any pruning: " +
                "the file is corrupted or uses an operator in a way InfoPrune does not reproduce; compare `infoprune eval --runtime ort` with `--runtime torch`",
                modelPath);
    }

    /// <summary>Largest |ORT − TorchSharp| over the batches; infinite when only one of them is NaN at some position.</summary>
    private static double MaxDifference(byte[] writtenModel, GraphExecutor executor, IEnumerable<LabeledBatch> batches, string? location, int ortThreads)
    {
        using var ort = new OrtModelRunner(writtenModel, location, ortThreads);
        var wasTraining = executor.Training;
        executor.Training = false;
        double max = 0;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var batch in batches)
            {
                using var scope = torch.NewDisposeScope();
                var (expected, _) = ort.Run(batch.Images, batch.Shape);
                var actual = executor.Forward(torch.tensor(batch.Images, batch.Shape)).cpu().contiguous().data<float>();
                for (var i = 0; i < expected.Length; i++)
                {
                    if (float.IsNaN(expected[i]) || float.IsNaN(actual[i]))
                    {
                        if (float.IsNaN(expected[i]) != float.IsNaN(actual[i])) max = double.PositiveInfinity;
                        continue;
                    }
                    if (expected[i] == actual[i]) continue; // equal infinities too
                    max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
                }
            }
        }
        finally
        {
            executor.Training = wasTraining;
        }
        return max;
    }
}
