using InfoPrune.Core.Data;

namespace InfoPrune.Core.Tests.Data;

/// <summary>
/// A test that reads the real Fashion-MNIST files. When they are not installed the test is reported
/// as skipped (with where it looked), never as passed.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public FashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, FashionMnistTests.TestImages)) || !File.Exists(Path.Combine(Folder, FashionMnistTests.TestLabels)))
            Skip = $"Fashion-MNIST is not installed in {Folder} (expected {FashionMnistTests.TestImages} and {FashionMnistTests.TestLabels})";
    }
}

public sealed class FashionMnistTests
{
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    [FashionMnistFact]
    public void FashionMnistTestSetHas10000ImagesOf28x28WithBalancedLabels()
    {
        var options = new DatasetOptions { ClassCount = 10, Preprocessing = new Preprocessing { SampleShape = [1, 28, 28] } };

        using var dataset = LabeledDataset.Open(
            Path.Combine(FashionMnistFactAttribute.Folder, TestImages),
            Path.Combine(FashionMnistFactAttribute.Folder, TestLabels), options);

        Assert.Equal(10000, dataset.Count);
        Assert.Equal([28, 28], dataset.Images.SampleShape);
        Assert.Equal([1, 28, 28], dataset.SampleShape);
        var counts = new int[10];
        foreach (var label in dataset.Labels) counts[label]++;
        Assert.All(counts, count => Assert.Equal(1000, count));

        // Real images: scaled into [0, 1] and not blank.
        var image = new float[784];
        dataset.ReadImage(0, image);
        Assert.All(image, v => Assert.InRange(v, 0f, 1f));
        Assert.True(image.Count(v => v > 0) > 100);
    }
}
