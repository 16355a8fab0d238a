namespace InfoPrune.Core.Data;

/// <summary>The element type of an array as stored in its file (little-endian for multi-byte types).</summary>
public enum DataElementType
{
    /// <summary>Unsigned byte: IDX type 0x08, NumPy <c>|u1</c>. Images default to a scale of 1/255.</summary>
    UInt8,
    /// <summary>32-bit signed integer, NumPy <c>&lt;i4</c> (NumPy's default integer on Windows).</summary>
    Int32,
    /// <summary>64-bit signed integer, NumPy <c>&lt;i8</c>.</summary>
    Int64,
    /// <summary>32-bit IEEE float, NumPy <c>&lt;f4</c>.</summary>
    Float32,
}

/// <summary>Facts about <see cref="DataElementType"/> values.</summary>
public static class DataElementTypeExtensions
{
    /// <summary>Bytes per element in the file.</summary>
    public static int SizeInBytes(this DataElementType type) => type switch
    {
        DataElementType.UInt8 => 1,
        DataElementType.Int32 => 4,
        DataElementType.Int64 => 8,
        DataElementType.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>True for the integer types, the only ones accepted as labels.</summary>
    public static bool IsInteger(this DataElementType type) => type != DataElementType.Float32;

    /// <summary>The lower-case name used in messages (<c>uint8</c>, <c>float32</c>, ...), as NumPy spells it.</summary>
    public static string DisplayName(this DataElementType type) => type switch
    {
        DataElementType.UInt8 => "uint8",
        DataElementType.Int32 => "int32",
        DataElementType.Int64 => "int64",
        DataElementType.Float32 => "float32",
        _ => type.ToString(),
    };
}
