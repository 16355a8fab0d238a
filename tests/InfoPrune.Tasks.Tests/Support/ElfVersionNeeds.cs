using System.Buffers.Binary;

namespace InfoPrune.Tasks.Tests.Support;

/// <summary>
/// Reads the version requirements (.gnu.version_r) of a little-endian ELF64 shared library, so a
/// test can tell the patched libLibTorchSharp.so (GLIBCXX_3.4.32 marked weak) from the original
/// without relying on binutils being installed.
/// </summary>
internal static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>True when some needed library's requirement of <paramref name="versionName"/> has the weak flag.</summary>
    public static bool IsWeak(byte[] elf, string versionName) =>
        Requirements(elf).Any(r => r.Name == versionName && (r.Flags & VerFlagWeak) != 0);

    public static IReadOnlyList<(string Name, ushort Flags)> Requirements(byte[] elf)
    {
        var found = new List<(string, ushort)>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        ReadOnlySpan<byte> span = elf;
        var sectionTable = (int)U64(span, 0x28);
        var entrySize = U16(span, 0x3A);
        var count = U16(span, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + i * entrySize;
            if (U32(span, header + 4) != ShtGnuVerneed) continue;
            var offset = (int)U64(span, header + 24);
            var needCount = (int)U32(span, header + 44);
            var strings = (int)U64(span, sectionTable + (int)U32(span, header + 40) * entrySize + 24);
            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                var aux = need + (int)U32(span, need + 8);
                for (var a = 0; a < U16(span, need + 2); a++)
                {
                    found.Add((CString(elf, strings + (int)U32(span, aux + 8)), U16(span, aux + 4)));
                    aux += (int)U32(span, aux + 12);
                }
                need += (int)U32(span, need + 12);
            }
        }
        return found;
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    private static string CString(byte[] b, int at) =>
        System.Text.Encoding.ASCII.GetString(b, at, Array.IndexOf(b, (byte)0, at) - at);
}
