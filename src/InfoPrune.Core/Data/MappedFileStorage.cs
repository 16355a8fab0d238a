using System.IO.MemoryMappedFiles;

namespace InfoPrune.Core.Data;

/// <summary>
/// Data read from an uncompressed file on demand through a read-only memory map, so a large raw
/// dataset costs address space, not memory: the OS pages in what the batches touch and may drop it
/// again. Spans point straight into the mapping, so reading a sample copies nothing.
/// </summary>
internal sealed unsafe class MappedFileStorage : ArrayStorage
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly long _length;
    private bool _disposed;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="file"/> starting at <paramref name="dataOffset"/>; takes ownership of the stream.</summary>
    public MappedFileStorage(FileStream file, long dataOffset, long length)
    {
        _length = length;
        _map = MemoryMappedFile.CreateFromFile(file, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
        catch
        {
            _map.Dispose();
            throw;
        }
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        // The view begins at an allocation-granularity boundary; PointerOffset is where byte 0 of the file is.
        _data = start + _view.PointerOffset + dataOffset;
    }

    public override long Length => _length;
    public override bool IsFileBacked => true;

    public override ReadOnlySpan<byte> Slice(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || length < 0 || offset + length > _length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + length}) is outside the {_length} mapped bytes");
        return new ReadOnlySpan<byte>(_data + offset, length);
    }

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
