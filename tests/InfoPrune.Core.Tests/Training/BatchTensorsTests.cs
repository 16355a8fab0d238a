using InfoPrune.Core.Data;
using InfoPrune.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Training;

public class BatchTensorsTests
{
    [Fact]
    public void InputTensorsShareTheBatchArraysSoRefillsNeedNoNewTensors()
    {
        using var data = ToyProblem.Dataset(12);
        var stream = new BatchStream(data, new BatchOptions(4) { ShuffleSeed = 3 });
        using var tensors = new BatchTensors();
        Tensor? firstImages = null, firstLabels = null;

        foreach (var batch in stream.Epoch())
        {
            var images = tensors.Images(batch);
            var labels = tensors.Labels(batch, torch.CPU);
            firstImages ??= images;
            firstLabels ??= labels;

            Assert.Same(firstImages, images);
            Assert.Same(firstLabels, labels);
            Assert.Equal(batch.Shape, images.shape);
            Assert.Equal(batch.Images, images.data<float>().ToArray());
            Assert.Equal(batch.Labels, labels.data<long>().ToArray());
        }
    }
}
