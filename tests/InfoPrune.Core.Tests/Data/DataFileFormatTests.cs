using InfoPrune.Core.Data;

namespace InfoPrune.Core.Tests.Data;

public sealed class DataFileFormatTests : IDisposable
{
    private readonly DataTestFiles _files = new();

    [Fact]
    public void EachFormatIsRecognizedByContentWhateverTheExtension()
    {
        var idx = _files.WriteIdxImages("a.npy", count: 2, height: 2, width: 2);
        var idxGzip = _files.WriteIdxImages("b.npz", count: 2, height: 2, width: 2, gzip: true);
        var npy = _files.Write("c.idx", DataTestFiles.NpyBytes(new float[4], 2, 2));
        var npyGzip = _files.Write("d", DataTestFiles.Gzip(DataTestFiles.NpyBytes(new float[4], 2, 2)));
        var npz = _files.WriteNpz("e.gz", compressed: false, ("x", DataTestFiles.NpyBytes(new long[] { 1, 2 }, 2)));

        using var fromIdx = SampleArray.Open(idx);
        using var fromIdxGzip = SampleArray.Open(idxGzip);
        using var fromNpy = SampleArray.Open(npy);
        using var fromNpyGzip = SampleArray.Open(npyGzip);
        using var fromNpz = SampleArray.Open(npz);

        Assert.Equal(["IDX", "IDX", "NPY", "NPY", "NPZ"],
            new[] { fromIdx, fromIdxGzip, fromNpy, fromNpyGzip, fromNpz }.Select(a => a.Format));
        Assert.Equal(DataElementType.Float32, fromNpyGzip.ElementType);
        Assert.Equal(DataElementType.Int64, fromNpz.ElementType);
    }

    [Fact]
    public void UnrecognizedFileShowsItsFirstBytes()
    {
        var path = _files.Write("picture.idx", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        DataAssert.Fails(DataErrors.UnrecognizedFormat, path, () => SampleArray.Open(path), "89504E470D0A", "IDX", "NPY", "NPZ");
    }

    [Fact]
    public void UnrecognizedContentInsideGzipSaysSo()
    {
        var path = _files.Write("text.gz", DataTestFiles.Gzip("hello world"u8.ToArray()));

        DataAssert.Fails(DataErrors.UnrecognizedFormat, path, () => SampleArray.Open(path), "decompressed data starts", "68656C6C6F20");
    }

    [Fact]
    public void EmptyFileIsTruncated()
    {
        var path = _files.Write("empty.idx", []);

        DataAssert.Fails(DataErrors.Truncated, path, () => SampleArray.Open(path), "empty");
    }

    public void Dispose() => _files.Dispose();
}
