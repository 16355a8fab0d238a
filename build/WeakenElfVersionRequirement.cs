using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one named version requirement (a Vernaux entry of .gnu.version_r) of
/// 64-bit little-endian ELF files, in place. A missing requirement is left alone (already
/// patched libraries and builds that never needed it pass through); a file that is not such an
/// ELF is an error, because silently skipping it would only move the failure to run time.
/// </summary>
public class InfoPruneWeakenGlibcxxRequirement : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var bytes = File.ReadAllBytes(path);
                var changed = Weaken(bytes, VersionName, out var found);
                if (changed)
                {
                    // Write beside first so an interrupted build never leaves a truncated library.
                    var temp = path + ".weaken.tmp";
                    File.WriteAllBytes(temp, bytes);
                    File.Copy(temp, path, true);
                    File.Delete(temp);
                    Log.LogMessage(MessageImportance.Low, $"Marked {VersionName} weak in {path}");
                }
                else if (!found)
                {
                    Log.LogMessage(MessageImportance.Low, $"{path} does not require {VersionName}; left as is");
                }
            }
            catch (InvalidDataException ex)
            {
                Log.LogError(null, "IP9001", null, path, 0, 0, 0, 0, $"cannot patch native library: {ex.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool Weaken(byte[] elf, string versionName, out bool found)
    {
        found = false;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        var sectionHeaders = checked((int)BitConverter.ToUInt64(elf, 0x28));
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        var changed = false;
        for (var s = 0; s < sectionCount; s++)
        {
            var header = sectionHeaders + s * entrySize;
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
            var offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            var linkedStrings = (int)BitConverter.ToUInt32(elf, header + 0x28);
            var needCount = (int)BitConverter.ToUInt32(elf, header + 0x2C);
            var strtabHeader = sectionHeaders + linkedStrings * entrySize;
            var strtab = checked((int)BitConverter.ToUInt64(elf, strtabHeader + 0x18));

            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == versionName)
                    {
                        found = true;
                        var flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            var weak = (ushort)(flags | VerFlgWeak);
                            elf[aux + 4] = (byte)(weak & 0xff);
                            elf[aux + 5] = (byte)(weak >> 8);
                            changed = true;
                        }
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return changed;
    }

    private static string ReadCString(byte[] bytes, int start)
    {
        var end = start;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }
}
