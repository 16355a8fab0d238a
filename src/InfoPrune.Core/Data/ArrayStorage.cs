namespace InfoPrune.Core.Data;

/// <summary>
/// The raw bytes of an array's data (after its header), wherever they live. Spans handed out stay
/// valid until the storage is disposed; storage is read-only, so concurrent reads are safe.
/// </summary>
internal abstract class ArrayStorage : IDisposable
{
    /// <summary>Bytes of data held.</summary>
    public abstract long Length { get; }

    /// <summary>True when bytes are read from the file on demand instead of held in memory.</summary>
    public abstract bool IsFileBacked { get; }

    /// <summary>The bytes <c>[offset, offset + length)</c>, without copying.</summary>
    public abstract ReadOnlySpan<byte> Slice(long offset, int length);

    public virtual void Dispose() { }
}

/// <summary>Data held in one managed array: compressed files, small raw files, arrays built in code.</summary>
internal sealed class InMemoryStorage(byte[] bytes) : ArrayStorage
{
    public override long Length => bytes.Length;
    public override bool IsFileBacked => false;
    public override ReadOnlySpan<byte> Slice(long offset, int length) => bytes.AsSpan(checked((int)offset), length);
}
