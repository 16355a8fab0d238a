using InfoPrune.Core.Data;

namespace InfoPrune.Core.Tests.Data;

public sealed class NpyReaderTests : IDisposable
{
    private readonly DataTestFiles _files = new();

    [Fact]
    public void Float32NpyKeepsValuesAndShape()
    {
        float[] values = [0.5f, -1.25f, 3f, 4f, 1e-3f, 6f];
        var path = _files.Write("x.npy", DataTestFiles.NpyBytes(values, 3, 2));

        using var array = NpyReader.Open(path);

        Assert.Equal(3, array.Count);
        Assert.Equal([2], array.SampleShape);
        Assert.Equal(DataElementType.Float32, array.ElementType);
        var sample = new float[2];
        array.CopySample(0, sample);
        Assert.Equal([0.5f, -1.25f], sample);
        array.CopySample(2, sample);
        Assert.Equal([1e-3f, 6f], sample);
    }

    [Fact]
    public void UInt8NpyKeepsValuesAndShape()
    {
        var path = _files.Write("x.npy", DataTestFiles.NpyBytes(new byte[] { 0, 1, 254, 255, 7, 8, 9, 10 }, 2, 2, 2));

        using var array = NpyReader.Open(path);

        Assert.Equal(DataElementType.UInt8, array.ElementType);
        Assert.Equal([2, 2], array.SampleShape);
        var sample = new float[4];
        array.CopySample(0, sample);
        Assert.Equal([0f, 1f, 254f, 255f], sample);
    }

    [Fact]
    public void Int64NpyLabelsKeepValues()
    {
        var path = _files.Write("y.npy", DataTestFiles.NpyBytes(new long[] { 3, 0, 9, 1 }, 4));

        using var array = NpyReader.Open(path);

        Assert.Equal(DataElementType.Int64, array.ElementType);
        Assert.Equal(4, array.Count);
        Assert.Empty(array.SampleShape);
        var value = new float[1];
        array.CopySample(2, value);
        Assert.Equal(9f, value[0]);
    }

    [Fact]
    public void Int32NpyIsRead()
    {
        var path = _files.Write("y.npy", DataTestFiles.NpyBytes(DataTestFiles.AsBytes(new[] { 5, -2 }), "<i4", [2]));

        using var array = NpyReader.Open(path);

        Assert.Equal(DataElementType.Int32, array.ElementType);
        var value = new float[1];
        array.CopySample(1, value);
        Assert.Equal(-2f, value[0]);
    }

    [Fact]
    public void NpyVersion2HeaderIsRead()
    {
        var bytes = DataTestFiles.NpyBytes(DataTestFiles.AsBytes(new[] { 1f, 2f }), "<f4", [2, 1], version: 2);
        var path = _files.Write("x.npy", bytes);

        using var array = NpyReader.Open(path);

        Assert.Equal(2, array.Count);
        Assert.Equal([1], array.SampleShape);
    }

    [Fact]
    public void GzipNpyReadsLikeRawAndRawCanBeStreamed()
    {
        var values = Enumerable.Range(0, 60).Select(i => i * 0.25f).ToArray();
        var npy = DataTestFiles.NpyBytes(values, 5, 3, 4);
        var rawPath = _files.Write("x.npy", npy);
        var gzipPath = _files.Write("x.npy.gz", DataTestFiles.Gzip(npy));

        using var gzip = NpyReader.Open(gzipPath);
        using var streamed = NpyReader.Open(rawPath, streamAboveBytes: 1);

        Assert.True(streamed.IsStreamed);
        Assert.False(gzip.IsStreamed);
        var a = new float[12];
        var b = new float[12];
        for (int n = 0; n < 5; n++)
        {
            gzip.CopySample(n, a);
            streamed.CopySample(n, b);
            Assert.Equal(values.Skip(n * 12).Take(12), a);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Float64NpyIsUnsupportedNamingTheType()
    {
        var path = _files.Write("x.npy", DataTestFiles.NpyBytes(new byte[16], "<f8", [2]));

        DataAssert.Fails(DataErrors.UnsupportedElementType, path, () => NpyReader.Open(path), "'<f8'", "'<f4' (float32)");
    }

    [Fact]
    public void BigEndianNpyIsUnsupported()
    {
        var path = _files.Write("x.npy", DataTestFiles.NpyBytes(new byte[8], ">f4", [2]));

        DataAssert.Fails(DataErrors.UnsupportedElementType, path, () => NpyReader.Open(path), "'>f4'", "big-endian");
    }

    [Fact]
    public void FortranOrderNpyIsRejected()
    {
        var path = _files.Write("x.npy", DataTestFiles.NpyBytes(new byte[6], "|u1", [2, 3], fortranOrder: true));

        DataAssert.Fails(DataErrors.BadHeader, path, () => NpyReader.Open(path), "Fortran", "[2, 3]");
    }

    [Fact]
    public void TruncatedNpyNamesFileAndSizes()
    {
        var npy = DataTestFiles.NpyBytes(new float[50], 10, 5);
        var path = _files.Write("x.npy", npy[..^8]);

        DataAssert.Fails(DataErrors.Truncated, path, () => NpyReader.Open(path),
            "10 samples of 5 float32 = 200 bytes", "only 192 bytes", "128-byte header");
    }

    [Fact]
    public void NpyWithoutShapeInHeaderIsBadHeader()
    {
        var npy = DataTestFiles.NpyBytes(new byte[2], "|u1", [2]);
        var text = System.Text.Encoding.Latin1.GetString(npy).Replace("'shape'", "'shapo'");
        var path = _files.Write("x.npy", System.Text.Encoding.Latin1.GetBytes(text));

        DataAssert.Fails(DataErrors.BadHeader, path, () => NpyReader.Open(path), "'shape'");
    }

    [Fact]
    public void ScalarNpyIsWrongKind()
    {
        var npy = DataTestFiles.NpyBytes(new byte[1], "|u1", [1]);
        var text = System.Text.Encoding.Latin1.GetString(npy).Replace("(1,)", "()  ");
        var path = _files.Write("x.npy", System.Text.Encoding.Latin1.GetBytes(text));

        DataAssert.Fails(DataErrors.WrongArrayKind, path, () => NpyReader.Open(path), "scalar");
    }

    public void Dispose() => _files.Dispose();
}
