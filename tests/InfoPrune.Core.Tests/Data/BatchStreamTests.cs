using InfoPrune.Core.Data;

namespace InfoPrune.Core.Tests.Data;

public sealed class BatchStreamTests
{
    // Sample n is [n, n + 0.5] with label n % 3, so every batch value tells where it came from.
    private static LabeledDataset Dataset(int count)
    {
        var images = Enumerable.Range(0, count).SelectMany(n => new[] { (float)n, n + 0.5f }).ToArray();
        var labels = Enumerable.Range(0, count).Select(n => (long)(n % 3)).ToArray();
        return LabeledDataset.Create(SampleArray.FromValues(images, count, 2), SampleArray.FromValues(labels, count));
    }

    private static List<int> VisitedIndices(BatchStream stream, int epoch = 0) =>
        stream.Epoch(epoch).SelectMany(b => b.Indices.ToArray()).ToList();

    [Fact]
    public void WithoutSeedBatchesFollowFileOrderAndLastBatchIsShort()
    {
        using var dataset = Dataset(10);
        var stream = new BatchStream(dataset, new BatchOptions(4));

        var batches = stream.Epoch().Select(b => (b.Count, Shape: b.Shape.ToArray(), Images: b.Images.ToArray(), Labels: b.Labels.ToArray())).ToList();

        Assert.Equal(3, stream.BatchCount);
        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal([2L, 2], batches[2].Shape);
        Assert.Equal([8f, 8.5f, 9f, 9.5f], batches[2].Images);
        Assert.Equal([2L, 0], batches[2].Labels);
        Assert.Equal(Enumerable.Range(0, 10), VisitedIndices(stream));
    }

    [Fact]
    public void SameSeedGivesSameOrder()
    {
        using var dataset = Dataset(50);

        var first = VisitedIndices(new BatchStream(dataset, new BatchOptions(8) { ShuffleSeed = 42 }));
        var second = VisitedIndices(new BatchStream(dataset, new BatchOptions(8) { ShuffleSeed = 42 }));

        Assert.Equal(first, second);
        Assert.NotEqual(Enumerable.Range(0, 50), first);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentOrders()
    {
        using var dataset = Dataset(50);

        var a = VisitedIndices(new BatchStream(dataset, new BatchOptions(8) { ShuffleSeed = 1 }));
        var b = VisitedIndices(new BatchStream(dataset, new BatchOptions(8) { ShuffleSeed = 2 }));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ShuffledEpochVisitsEverySampleExactlyOnce()
    {
        using var dataset = Dataset(37);
        var stream = new BatchStream(dataset, new BatchOptions(5) { ShuffleSeed = 7 });

        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Enumerable.Range(0, 37), VisitedIndices(stream, epoch).Order());
    }

    [Fact]
    public void EachEpochHasItsOwnReproducibleOrder()
    {
        using var dataset = Dataset(40);
        var stream = new BatchStream(dataset, new BatchOptions(10) { ShuffleSeed = 3 });

        Assert.NotEqual(stream.Order(0), stream.Order(1));
        Assert.Equal(stream.Order(1), new BatchStream(dataset, stream.Options).Order(1));
    }

    [Fact]
    public void EpochZeroIsFisherYatesOverSystemRandomWithTheSeed()
    {
        using var dataset = Dataset(20);
        var stream = new BatchStream(dataset, new BatchOptions(20) { ShuffleSeed = 123 });

        // The documented recipe, so an order can be reproduced outside InfoPrune.
        var expected = Enumerable.Range(0, 20).ToArray();
        var random = new Random(123);
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }

        Assert.Equal(expected, stream.Order(0));
    }

    [Fact]
    public void ShuffledBatchesCarryTheImagesAndLabelsOfTheirIndices()
    {
        using var dataset = Dataset(30);
        var stream = new BatchStream(dataset, new BatchOptions(7) { ShuffleSeed = 5 });

        foreach (var batch in stream.Epoch())
        {
            for (int k = 0; k < batch.Count; k++)
            {
                int n = batch.Indices[k];
                Assert.Equal(n, batch.Images[2 * k]);
                Assert.Equal(n + 0.5f, batch.Images[2 * k + 1]);
                Assert.Equal(n % 3, batch.Labels[k]);
            }
        }
    }

    [Fact]
    public void LimitTakesTheFirstSamplesBeforeShuffling()
    {
        using var dataset = Dataset(100);
        var stream = new BatchStream(dataset, new BatchOptions(4) { Limit = 10, ShuffleSeed = 9 });

        var visited = VisitedIndices(stream);

        Assert.Equal(10, stream.SampleCount);
        Assert.Equal(3, stream.BatchCount);
        Assert.Equal(Enumerable.Range(0, 10), visited.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), visited);
    }

    [Fact]
    public void LimitAboveTheDatasetSizeUsesEverySample()
    {
        using var dataset = Dataset(6);

        var stream = new BatchStream(dataset, new BatchOptions(4) { Limit = 1000 });

        Assert.Equal(6, stream.SampleCount);
    }

    [Fact]
    public void DropLastLeavesOutTheShortBatch()
    {
        using var dataset = Dataset(10);
        var stream = new BatchStream(dataset, new BatchOptions(4) { DropLast = true });

        var counts = stream.Epoch().Select(b => b.Count).ToList();

        Assert.Equal(2, stream.BatchCount);
        Assert.Equal([4, 4], counts);
    }

    [Fact]
    public void FullBatchesReuseOneBufferWithinAnEpoch()
    {
        using var dataset = Dataset(12);
        var stream = new BatchStream(dataset, new BatchOptions(4));

        var buffers = stream.Epoch().Select(b => b.Images).Distinct().Count();

        Assert.Equal(1, buffers);
    }

    [Fact]
    public void InvalidBatchSizeIsRejected()
    {
        using var dataset = Dataset(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchStream(dataset, new BatchOptions(0)));
    }
}
