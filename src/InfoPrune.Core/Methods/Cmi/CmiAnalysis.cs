using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// CMI on its own, for <c>analyze</c>: each layer's channel order, cumulative CMI curve and
/// cutoff, and the order the layers were visited in, on the first N samples of some data — what
/// <c>"target": "auto"</c> would keep, without pruning anything.
/// </summary>
public static class CmiAnalysis
{
    /// <summary>The walk and cutoffs on the first <see cref="CmiParameters.Samples"/> samples of <paramref name="data"/>, in file order.</summary>
    public static CmiReport Run(OnnxModel model, IBatchSource data, CmiParameters parameters, int threads = 1,
        IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var graph = DependencyGraph.Analyze(model);
        var method = new CmiMethod(parameters);
        var accumulators = method.Accumulators(graph);
        using (var executor = GraphExecutor.Create(graph.Model))
        {
            progress?.Report($"cmi: reading the maps of {parameters.Samples} samples");
            CalibrationPass.Stream(executor, data.ReadBatches(256).Select(ToBatch), accumulators);
        }
        var context = new MethodContext { Accumulators = accumulators, Threads = threads, Progress = progress, Cancellation = cancellation };
        method.Plan(graph, context, TargetPolicy.Auto, ConstraintsPolicy.Default with { RoundTo = 1 });
        return method.Details!;
    }

    private static Batch ToBatch(LabeledBatch labeled)
    {
        var batch = new Batch(labeled.Count, labeled.Shape.Skip(1).Select(d => checked((int)d)).ToArray());
        labeled.Images.CopyTo(batch.Images, 0);
        labeled.Labels.CopyTo(batch.Labels, 0);
        return batch;
    }
}
