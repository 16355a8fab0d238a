using InfoPrune.Core.Data;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Validation;

/// <summary>
/// A labelled dataset read in file order as evaluation batches, shaped to a model's input
/// (e.g. IDX [N,28,28] images as [N,1,28,28]) with the model's class count checking the labels.
/// </summary>
public sealed class DatasetBatchSource : IBatchSource, IDisposable
{
    public LabeledDataset Dataset { get; }

    public DatasetBatchSource(LabeledDataset dataset) => Dataset = dataset;

    /// <summary>Opens images and labels for <paramref name="model"/>: its input shape (batch dropped) and output width.</summary>
    public static DatasetBatchSource Open(string imagesPath, string labelsPath, OnnxModel model, Preprocessing? preprocessing = null) =>
        new(LabeledDataset.Open(imagesPath, labelsPath, OptionsFor(model, preprocessing)));

    /// <summary>Dataset options matching a model: sample shape from its input, class count from its output.</summary>
    public static DatasetOptions OptionsFor(OnnxModel model, Preprocessing? preprocessing = null)
    {
        var input = model.Graph.Inputs.Count == 1 ? model.Graph.Inputs[0].Shape : null;
        var sampleShape = input != null && input.Skip(1).All(d => d.IsFixed) ? input.Skip(1).Select(d => (int)d.Value!.Value).ToArray() : null;
        var output = model.Graph.Outputs.Count > 0 ? model.Graph.Outputs[0].Shape : null;
        int? classes = output is { Count: 2 } && output[1].IsFixed ? (int)output[1].Value!.Value : null;
        return new DatasetOptions
        {
            Preprocessing = (preprocessing ?? Preprocessing.Default) with { SampleShape = sampleShape },
            ClassCount = classes,
        };
    }

    public IEnumerable<LabeledBatch> ReadBatches(int batchSize)
    {
        // The stream refills one buffer per batch; evaluation consumes each batch before the next.
        foreach (var batch in new BatchStream(Dataset, new BatchOptions(batchSize)).Epoch())
            yield return new LabeledBatch(batch.Images, batch.Shape, batch.Labels);
    }

    public void Dispose() => Dataset.Dispose();
}
