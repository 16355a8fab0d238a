using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
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
                for (var i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            }
        }
        finally
        {
            executor.Training = wasTraining;
        }
        if (max > Tolerance)
            throw new InfoPruneException(Mismatch, $"the written model's ONNX Runtime outputs differ from TorchSharp's by {max:G3} (> {Tolerance:G1})", location);
        return max;
    }
}
