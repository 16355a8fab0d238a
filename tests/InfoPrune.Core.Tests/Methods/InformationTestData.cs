using InfoPrune.Core.Data;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using InfoPrune.Core.Onnx;
using TorchSharp;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>Labelled data held in memory, cut into batches, and the accuracy of a model on it.</summary>
public sealed class InMemoryData
{
    public InMemoryData(float[] images, long[] labels, int[] sampleShape)
    {
        Images = images;
        Labels = labels;
        SampleShape = sampleShape;
    }

    public float[] Images { get; }
    public long[] Labels { get; }
    public int[] SampleShape { get; }
    public int Count => Labels.Length;
    private int SampleLength => SampleShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Fresh batches (the calibration pass may keep arrays it is given).</summary>
    public IEnumerable<Batch> Batches(int batchSize)
    {
        for (var start = 0; start < Count; start += batchSize)
        {
            var count = Math.Min(batchSize, Count - start);
            var batch = new Batch(count, SampleShape);
            Array.Copy(Images, start * SampleLength, batch.Images, 0, count * SampleLength);
            Array.Copy(Labels, start, batch.Labels, 0, count);
            yield return batch;
        }
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images, scaled to [0, 1], as [1, 28, 28].</summary>
    public static InMemoryData FashionMnistTest(int count)
    {
        using var dataset = LabeledDataset.Open(FashionMnist.TestImages, FashionMnist.TestLabels,
            new DatasetOptions { ClassCount = 10, Preprocessing = new Preprocessing { SampleShape = [1, 28, 28] } });
        var images = new float[count * 784];
        var labels = new long[count];
        dataset.ReadSamples(Enumerable.Range(0, count).ToArray(), images, labels);
        return new InMemoryData(images, labels, [1, 28, 28]);
    }

    /// <summary>Top-1 accuracy of a single-input classifier, run in TorchSharp.</summary>
    public double Accuracy(OnnxModel model, int batchSize = 500)
    {
        using var executor = GraphExecutor.Create(model, torch.CPU);
        using var noGrad = torch.no_grad();
        long correct = 0;
        foreach (var batch in Batches(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var logits = executor.Forward(torch.tensor(batch.Images, batch.Shape));
            var predicted = logits.argmax(1).data<long>().ToArray();
            for (var i = 0; i < predicted.Length; i++) if (predicted[i] == batch.Labels[i]) correct++;
        }
        return (double)correct / Count;
    }

    /// <summary>The calibration pass over all samples.</summary>
    public ActivationMeasurements Measure(OnnxModel model, DependencyGraph graph, MeasurementOptions? options = null, int batchSize = 500)
    {
        using var executor = GraphExecutor.Create(model, torch.CPU);
        return CalibrationPass.Run(executor, graph, Batches(batchSize), options);
    }
}
