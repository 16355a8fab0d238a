using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly DataTestFiles _files = new();

    [Fact]
    public void RawIdxImagesKeepValuesAndShape()
    {
        var path = _files.WriteIdxImages("images.idx", count: 3, height: 2, width: 4);

        using var images = IdxReader.Open(path);

        Assert.Equal(3, images.Count);
        Assert.Equal([2, 4], images.SampleShape);
        Assert.Equal(8, images.SampleLength);
        Assert.Equal(DataElementType.UInt8, images.ElementType);
        Assert.Equal(path, images.File);
        var sample = new float[8];
        images.CopySample(2, sample);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)(14 + i)), sample);
    }

    [Fact]
    public void GzipIsRecognizedByContentAndReadsLikeRaw()
    {
        // Names that lie about compression: only the 1f 8b header may decide.
        var raw = _files.WriteIdxImages("raw.gz", count: 5, height: 3, width: 3);
        var gzip = _files.WriteIdxImages("compressed.idx", count: 5, height: 3, width: 3, gzip: true);
        Assert.Equal(0x1f, File.ReadAllBytes(gzip)[0]);

        using var fromRaw = IdxReader.Open(raw);
        using var fromGzip = IdxReader.Open(gzip);

        Assert.Equal(fromRaw.Count, fromGzip.Count);
        Assert.Equal(fromRaw.SampleShape, fromGzip.SampleShape);
        var a = new float[9];
        var b = new float[9];
        for (int n = 0; n < 5; n++)
        {
            fromRaw.CopySample(n, a);
            fromGzip.CopySample(n, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void IdxLabelsAreOneDimensional()
    {
        var path = _files.WriteIdxLabels("labels.idx", count: 12, classes: 5, gzip: true);

        using var labels = IdxReader.Open(path);

        Assert.Equal(12, labels.Count);
        Assert.Empty(labels.SampleShape);
        var value = new float[1];
        labels.CopySample(7, value);
        Assert.Equal(2f, value[0]);
    }

    [Fact]
    public void LargeRawIdxIsStreamedFromFileWithSameValues()
    {
        var path = _files.WriteIdxImages("images.idx", count: 4, height: 5, width: 5);

        using var loaded = IdxReader.Open(path);
        using var streamed = IdxReader.Open(path, streamAboveBytes: 50);

        Assert.False(loaded.IsStreamed);
        Assert.True(streamed.IsStreamed);
        var a = new float[25];
        var b = new float[25];
        for (int n = 0; n < 4; n++)
        {
            loaded.CopySample(n, a);
            streamed.CopySample(n, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void GzipIdxIsHeldInMemoryWhateverItsSize()
    {
        var path = _files.WriteIdxImages("images.gz", count: 4, height: 5, width: 5, gzip: true);

        using var images = IdxReader.Open(path, streamAboveBytes: 1);

        Assert.False(images.IsStreamed);
    }

    [Fact]
    public void TruncatedIdxImagesNamesFileAndSizes()
    {
        var full = DataTestFiles.IdxBytes(new byte[100 * 28 * 28], [100, 28, 28]);
        var path = _files.Write("train-images-idx3-ubyte", full[..(16 + 1000)]);

        DataAssert.Fails(DataErrors.Truncated, path, () => IdxReader.Open(path),
            "100 samples of 28x28 uint8 = 78400 bytes", "only 1000 bytes", "16-byte header");
    }

    [Fact]
    public void TruncatedGzipIdxImagesNamesFileAndSizes()
    {
        var full = DataTestFiles.IdxBytes(new byte[100 * 28 * 28], [100, 28, 28]);
        var path = _files.Write("images.gz", DataTestFiles.Gzip(full[..(16 + 1000)]));

        DataAssert.Fails(DataErrors.Truncated, path, () => IdxReader.Open(path),
            "78400 bytes", "decompressed data has only 1000 bytes");
    }

    [Fact]
    public void IdxEndingInsideItsHeaderIsTruncated()
    {
        var full = DataTestFiles.IdxBytes(new byte[4], [1, 2, 2]);
        var path = _files.Write("images.idx", full[..9]);

        DataAssert.Fails(DataErrors.Truncated, path, () => IdxReader.Open(path), "ends after 9 bytes", "16-byte header");
    }

    [Fact]
    public void IdxWithMoreDataThanItsHeaderSaysIsRejected()
    {
        var bytes = DataTestFiles.IdxBytes(new byte[2 * 4 + 3], [2, 2, 2]);
        var path = _files.Write("images.idx", bytes);

        DataAssert.Fails(DataErrors.TrailingData, path, () => IdxReader.Open(path), "8 bytes of data", "3 bytes too many");
    }

    [Fact]
    public void IdxWithWrongMagicNamesFileAndMagic()
    {
        var bytes = DataTestFiles.IdxBytes(new byte[4], [1, 2, 2]);
        bytes[0] = 0x12;
        var path = _files.Write("images.idx", bytes);

        DataAssert.Fails(DataErrors.BadHeader, path, () => IdxReader.Open(path), "0x12000803", "0x00000803");
    }

    [Fact]
    public void IdxOfInt16IsUnsupportedElementType()
    {
        var bytes = DataTestFiles.IdxBytes(new byte[8], [1, 2, 2], type: 0x0B);
        var path = _files.Write("images.idx", bytes);

        DataAssert.Fails(DataErrors.UnsupportedElementType, path, () => IdxReader.Open(path), "0x0B", "int16", "unsigned byte");
    }

    [Fact]
    public void CorruptGzipNamesFile()
    {
        var gzip = DataTestFiles.Gzip(DataTestFiles.IdxBytes(new byte[400], [4, 10, 10]));
        for (int i = 10; i < gzip.Length - 8; i++) gzip[i] = 0xFF;
        var path = _files.Write("images.gz", gzip);

        DataAssert.Fails(DataErrors.CorruptCompression, path, () => IdxReader.Open(path), "corrupt");
    }

    [Fact]
    public void MissingFileIsFileNotFoundNamingIt()
    {
        var path = _files.PathOf("nowhere.idx");

        DataAssert.Fails(GeneralErrors.FileNotFound, path, () => IdxReader.Open(path), "not found");
    }

    public void Dispose() => _files.Dispose();
}
