using InfoPrune.Core.Data;

namespace InfoPrune.Core.Tests.Data;

public sealed class NpzReaderTests : IDisposable
{
    private readonly DataTestFiles _files = new();
    private static readonly float[] XValues = [1f, 2f, 3f, 4f, 5f, 6f];
    private static readonly long[] YValues = [2, 0, 1];

    private string WriteArchive(bool compressed) => _files.WriteNpz(compressed ? "deflated.npz" : "stored.npz", compressed,
        ("x", DataTestFiles.NpyBytes(XValues, 3, 2)),
        ("y", DataTestFiles.NpyBytes(YValues, 3)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NamedArrayIsReadFromStoredAndDeflatedArchives(bool compressed)
    {
        var path = WriteArchive(compressed);

        using var y = NpzReader.Open(path, "y");
        using var x = NpzReader.Open(path, "x.npy");

        Assert.Equal("y", y.ArrayName);
        Assert.Equal(DataElementType.Int64, y.ElementType);
        Assert.Equal(3, y.Count);
        Assert.Equal([2], x.SampleShape);
        var sample = new float[2];
        x.CopySample(1, sample);
        Assert.Equal([3f, 4f], sample);
    }

    [Fact]
    public void WithoutNameTheFirstArrayIsRead()
    {
        var path = WriteArchive(compressed: true);

        using var first = NpzReader.Open(path);

        Assert.Equal("x", first.ArrayName);
        Assert.Equal(["x", "y"], NpzReader.ArrayNames(path));
    }

    [Fact]
    public void MissingArrayNamesFileAndListsTheArrays()
    {
        var path = WriteArchive(compressed: false);

        DataAssert.Fails(DataErrors.NpzArrayNotFound, path, () => NpzReader.Open(path, "images"), "'images'", "'x', 'y'");
    }

    [Fact]
    public void ArchiveWithoutArraysIsReported()
    {
        var path = _files.WriteNpz("empty.npz", compressed: false);

        DataAssert.Fails(DataErrors.NpzArrayNotFound, path, () => NpzReader.Open(path), "no .npy arrays");
    }

    [Fact]
    public void CorruptArchiveNamesFile()
    {
        var bytes = File.ReadAllBytes(WriteArchive(compressed: true));
        var path = _files.Write("cut.npz", bytes[..(bytes.Length / 2)]);

        DataAssert.Fails(DataErrors.CorruptCompression, path, () => NpzReader.Open(path), "corrupt");
    }

    [Fact]
    public void MalformedArrayInArchiveNamesFileAndArray()
    {
        var npy = DataTestFiles.NpyBytes(new float[10], 5, 2);
        var path = _files.WriteNpz("data.npz", compressed: true, ("x", npy[..^4]));

        DataAssert.Fails(DataErrors.Truncated, path, () => NpzReader.Open(path), "array 'x'", "40 bytes", "only 36 bytes");
    }

    public void Dispose() => _files.Dispose();
}
