using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Tests.Data;

public sealed class LabeledDatasetTests : IDisposable
{
    private readonly DataTestFiles _files = new();

    private (string Images, string Labels) WriteMnistLike(int count = 6, int size = 28, bool gzip = false) =>
        (_files.WriteIdxImages("images" + (gzip ? ".gz" : ""), count, size, size, gzip),
         _files.WriteIdxLabels("labels" + (gzip ? ".gz" : ""), count, classes: 10, gzip));

    [Fact]
    public void UInt8ImagesAreDividedBy255ByDefault()
    {
        var (images, labels) = WriteMnistLike(count: 3, size: 4);

        using var dataset = LabeledDataset.Open(images, labels);

        var sample = new float[16];
        dataset.ReadImage(1, sample);
        var expected = Enumerable.Range(0, 16).Select(i => (7 + i) / 255f);
        Assert.Equal(expected, sample, (a, b) => Math.Abs(a - b) < 1e-7f);
        Assert.Equal([0L, 1L, 2L], dataset.Labels.ToArray());
    }

    [Fact]
    public void Float32ImagesAreNotScaledByDefault()
    {
        float[] values = [100f, -3f, 0.5f, 7f];
        using var dataset = LabeledDataset.Create(
            SampleArray.FromValues(values, 2, 2), SampleArray.FromValues(new long[] { 0, 1 }, 2));

        var sample = new float[2];
        dataset.ReadImage(0, sample);

        Assert.Equal([100f, -3f], sample);
    }

    [Fact]
    public void ScaleMeanAndStdApplyInThatOrder()
    {
        var (images, labels) = WriteMnistLike(count: 2, size: 2);
        var options = new DatasetOptions { Preprocessing = new Preprocessing { Scale = 0.5, Mean = [1.0], Std = [2.0] } };

        using var dataset = LabeledDataset.Open(images, labels, options);

        var sample = new float[4];
        dataset.ReadImage(1, sample); // stored 7, 8, 9, 10
        Assert.Equal([(7 * 0.5f - 1) / 2, (8 * 0.5f - 1) / 2, (9 * 0.5f - 1) / 2, (10 * 0.5f - 1) / 2], sample);
    }

    [Fact]
    public void PerChannelMeanAndStdNormalizeEachChannel()
    {
        // One sample [3 channels, 1, 2]: channel c holds c*10 and c*10+1.
        float[] values = [0f, 1f, 10f, 11f, 20f, 21f];
        var options = new DatasetOptions { Preprocessing = new Preprocessing { Mean = [0.0, 10.0, 20.0], Std = [1.0, 2.0, 4.0] } };
        using var dataset = LabeledDataset.Create(
            SampleArray.FromValues(values, 1, 3, 1, 2), SampleArray.FromValues(new byte[] { 0 }, 1), options);

        var sample = new float[6];
        dataset.ReadImage(0, sample);

        Assert.Equal([0f, 1f, 0f, 0.5f, 0f, 0.25f], sample);
    }

    [Fact]
    public void PerChannelStatisticsAlsoApplyToUInt8Images()
    {
        byte[] values = [0, 255, 255, 0];
        var options = new DatasetOptions { Preprocessing = new Preprocessing { Mean = [0.5, 0.0], Std = [0.5, 1.0] } };
        using var dataset = LabeledDataset.Create(
            SampleArray.FromValues(values, 1, 2, 1, 2), SampleArray.FromValues(new byte[] { 0 }, 1), options);

        var sample = new float[4];
        dataset.ReadImage(0, sample);

        Assert.Equal([-1f, 1f, 1f, 0f], sample);
    }

    [Fact]
    public void IdxImagesReshapeToTheModelInput()
    {
        var (images, labels) = WriteMnistLike(count: 5, gzip: true);
        var options = new DatasetOptions { Preprocessing = new Preprocessing { SampleShape = [1, 28, 28] } };

        using var dataset = LabeledDataset.Open(images, labels, options);
        var batch = new BatchStream(dataset, new BatchOptions(4)).Epoch().First();

        Assert.Equal([1, 28, 28], dataset.SampleShape);
        Assert.Equal(784, dataset.SampleLength);
        Assert.Equal([4L, 1, 28, 28], batch.Shape);
        Assert.Equal(4 * 784, batch.Images.Length);
        Assert.Equal((3 * 7 + 783) % 256 / 255f, batch.Images[3 * 784 + 783], 6);
    }

    [Fact]
    public void ImagesThatDoNotFitTheModelNameFileAndBothShapes()
    {
        var (images, labels) = WriteMnistLike(count: 2);
        var options = new DatasetOptions { Preprocessing = new Preprocessing { SampleShape = [3, 32, 32] } };

        DataAssert.Fails(DataErrors.SampleShapeMismatch, images, () => LabeledDataset.Open(images, labels, options),
            "[28, 28] (784 values per sample)", "[3, 32, 32] (3072 values per sample)");
    }

    [Fact]
    public void ChannelsLastImagesAreNotSilentlyReshaped()
    {
        var path = _files.Write("cifar.npy", DataTestFiles.NpyBytes(new byte[2 * 4 * 4 * 3], "|u1", [2, 4, 4, 3]));
        var labels = _files.Write("labels.npy", DataTestFiles.NpyBytes(new long[] { 0, 1 }, 2));
        var options = new DatasetOptions { Preprocessing = new Preprocessing { SampleShape = [3, 4, 4] } };

        DataAssert.Fails(DataErrors.SampleShapeMismatch, path, () => LabeledDataset.Open(path, labels, options),
            "[4, 4, 3]", "channels-last", "[3, 4, 4]");
    }

    [Fact]
    public void MeanWithWrongChannelCountIsReported()
    {
        var (images, labels) = WriteMnistLike(count: 2);
        var options = new DatasetOptions { Preprocessing = new Preprocessing { SampleShape = [1, 28, 28], Mean = [0.4, 0.5, 0.6] } };

        DataAssert.Fails(DataErrors.BadPreprocessing, images, () => LabeledDataset.Open(images, labels, options),
            "mean has 3 values", "1 channel");
    }

    [Fact]
    public void ZeroStdIsReported()
    {
        var (images, labels) = WriteMnistLike(count: 2);
        var options = new DatasetOptions { Preprocessing = new Preprocessing { Std = [0.0] } };

        DataAssert.Fails(DataErrors.BadPreprocessing, images, () => LabeledDataset.Open(images, labels, options),
            "std[0] is 0", "positive");
    }

    [Fact]
    public void LabelsOutOfRangeReportFirstIndexValueAndCount()
    {
        var (images, _) = WriteMnistLike(count: 6);
        var labels = _files.Write("labels.idx", DataTestFiles.IdxBytes([1, 2, 3, 12, 0, 10], [6]));
        var options = new DatasetOptions { ClassCount = 10 };

        DataAssert.Fails(DataErrors.LabelOutOfRange, labels, () => LabeledDataset.Open(images, labels, options),
            "2 of 6 labels", "0..9", "10 classes", "label 12 at index 3");
    }

    [Fact]
    public void LabelsWithinClassCountAreAccepted()
    {
        var (images, labels) = WriteMnistLike(count: 6);

        using var dataset = LabeledDataset.Open(images, labels, new DatasetOptions { ClassCount = 10 });

        Assert.Equal(10, dataset.ClassCount);
    }

    [Fact]
    public void NegativeLabelIsOutOfRangeEvenWithoutClassCount()
    {
        var images = _files.Write("x.npy", DataTestFiles.NpyBytes(new float[6], 3, 2));
        var labels = _files.Write("y.npy", DataTestFiles.NpyBytes(new long[] { 0, -1, 1 }, 3));

        DataAssert.Fails(DataErrors.LabelOutOfRange, labels, () => LabeledDataset.Open(images, labels),
            "1 of 3 labels", "label -1 at index 1");
    }

    [Fact]
    public void ImageCountDifferentFromLabelCountNamesBothFiles()
    {
        var images = _files.WriteIdxImages("images.idx", 5, 2, 2);
        var labels = _files.WriteIdxLabels("labels.idx", 4);

        DataAssert.Fails(DataErrors.CountMismatch, images, () => LabeledDataset.Open(images, labels),
            "5 samples", labels, "4 labels");
    }

    [Fact]
    public void SwappedImagesAndLabelsFilesAreBothReported()
    {
        var (images, labels) = WriteMnistLike(count: 3);

        var error = Assert.Throws<InfoPruneException>(() => LabeledDataset.Open(labels, images));

        Assert.Contains(error.Diagnostics, d => d.Code == DataErrors.WrongArrayKind && d.File == labels && d.Message.Contains("labels file, not images"));
        Assert.Contains(error.Diagnostics, d => d.Code == DataErrors.WrongArrayKind && d.File == images && d.Message.Contains("784 values per sample"));
    }

    [Fact]
    public void FloatLabelsAreRejected()
    {
        var images = _files.Write("x.npy", DataTestFiles.NpyBytes(new float[4], 2, 2));
        var labels = _files.Write("y.npy", DataTestFiles.NpyBytes(new float[] { 0f, 1f }, 2));

        DataAssert.Fails(DataErrors.WrongArrayKind, labels, () => LabeledDataset.Open(images, labels), "float32", "integers");
    }

    [Fact]
    public void ProblemsInBothFilesAreReportedTogether()
    {
        var full = DataTestFiles.IdxBytes(new byte[40], [10, 2, 2]);
        var images = _files.Write("images.idx", full[..30]);
        var labels = _files.PathOf("missing-labels.idx");

        var error = Assert.Throws<InfoPruneException>(() => LabeledDataset.Open(images, labels));

        Assert.Equal(2, error.Diagnostics.Count);
        Assert.Contains(error.Diagnostics, d => d.Code == DataErrors.Truncated && d.File == images);
        Assert.Contains(error.Diagnostics, d => d.Code == GeneralErrors.FileNotFound && d.File == labels);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void EmptyImagesFileIsReported()
    {
        var images = _files.Write("images.idx", DataTestFiles.IdxBytes([], [0, 28, 28]));
        var labels = _files.Write("labels.idx", DataTestFiles.IdxBytes([], [0]));

        DataAssert.Fails(DataErrors.Empty, images, () => LabeledDataset.Open(images, labels), "no samples");
    }

    [Fact]
    public void ImagesAndLabelsFromOneNpzArePairedByTheirContents()
    {
        // numpy.savez("data.npz", x=images, y=labels): the images are the array of rank 2 or more,
        // the labels the one-dimensional integer array, whatever their names or order.
        var path = _files.WriteNpz("data.npz", compressed: true,
            ("labels_first", DataTestFiles.NpyBytes(new long[] { 1, 0 }, 2)),
            ("pixels", DataTestFiles.NpyBytes(new float[] { 1f, 2f, 3f, 4f }, 2, 2)));

        using var dataset = LabeledDataset.Open(path, path);

        Assert.Equal([1L, 0L], dataset.Labels.ToArray());
        var sample = new float[2];
        dataset.ReadImage(1, sample);
        Assert.Equal([3f, 4f], sample);
    }

    [Fact]
    public void OneNpzWhoseContentsLeaveAChoiceNeedsTheArrayNames()
    {
        // Two one-dimensional integer arrays: either could be the labels, so the names are required.
        var path = _files.WriteNpz("data.npz", compressed: false,
            ("x", DataTestFiles.NpyBytes(new long[] { 5, 6 }, 2)),
            ("y", DataTestFiles.NpyBytes(new long[] { 1, 0 }, 2)));

        DataAssert.Fails(DataErrors.AmbiguousNpzArrays, path, () => LabeledDataset.Open(path, path), "'x'", "'y'", "imagesArray");
    }

    [Fact]
    public void NamedNpzArraysWinOverThePairing()
    {
        var path = _files.WriteNpz("data.npz", compressed: true,
            ("x", DataTestFiles.NpyBytes(new float[] { 1f, 2f, 3f, 4f }, 2, 2)),
            ("x_flipped", DataTestFiles.NpyBytes(new float[] { 3f, 4f, 1f, 2f }, 2, 2)),
            ("y", DataTestFiles.NpyBytes(new long[] { 1, 0 }, 2)));

        using var dataset = LabeledDataset.Open(path, path, new DatasetOptions { ImagesArrayName = "x_flipped" });

        Assert.Equal([1L, 0L], dataset.Labels.ToArray());
        var sample = new float[2];
        dataset.ReadImage(1, sample);
        Assert.Equal([1f, 2f], sample);
    }

    [Fact]
    public void StreamedAndLoadedImagesGiveTheSameSamples()
    {
        var (images, labels) = WriteMnistLike(count: 8);

        using var loaded = LabeledDataset.Open(images, labels);
        using var streamed = LabeledDataset.Open(images, labels, new DatasetOptions { StreamAboveBytes = 1 });

        Assert.False(loaded.Images.IsStreamed);
        Assert.True(streamed.Images.IsStreamed);
        int[] indices = [7, 0, 3];
        var a = new float[3 * 784];
        var b = new float[3 * 784];
        var la = new long[3];
        var lb = new long[3];
        loaded.ReadSamples(indices, a, la);
        streamed.ReadSamples(indices, b, lb);
        Assert.Equal(a, b);
        Assert.Equal([7L, 0L, 3L], lb);
    }

    public void Dispose() => _files.Dispose();
}
