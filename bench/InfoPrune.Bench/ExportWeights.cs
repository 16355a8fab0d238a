using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Bench;

/// <summary>
/// Writes a model's initializers to an .npz (a zip of .npy files), so the PyTorch baselines can
/// start from the very weights InfoPrune prunes: Debian's torch 1.13 has no `onnx` module to read
/// the file itself. Entries follow the order in which the graph's nodes first read them, because
/// exported names (`onnx::Conv_203`) say nothing about the layer; the PyTorch side maps them onto
/// its module by that order and checks every shape.
/// </summary>
internal static class ExportWeights
{
    public static int Run(string modelPath, string outPath)
    {
        var graph = OnnxModel.Load(modelPath).Graph;
        // PyTorch's exporter stores equal parameters once and gives the other name by an Identity
        // (resnet20_bn: each projection shortcut's BN shift is `Identity(layerN.0.bn2.bias)`). The
        // module has both parameters, so the copy is written under its own name, where it is read.
        var aliases = graph.Nodes
            .Where(n => n.OpType == "Identity" && n.Domain.Length == 0 && n.Inputs.Count == 1 && n.Outputs.Count == 1
                        && graph.Initializers.ContainsKey(n.Inputs[0]))
            .ToDictionary(n => n.Outputs[0], n => n.Inputs[0], StringComparer.Ordinal);
        var ordered = graph.Nodes.Where(n => !aliases.ContainsKey(n.Outputs.FirstOrDefault() ?? ""))
            .SelectMany(n => n.Inputs)
            .Where(name => graph.Initializers.ContainsKey(name) || aliases.ContainsKey(name))
            .Concat(graph.Initializers.Keys)   // any initializer no node reads, last
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var temp = outPath + ".tmp";
        using (var file = File.Create(temp))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            foreach (var name in ordered)
            {
                // Stored, not deflated: a few hundred KB, and np.load reads either.
                var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
                using var stream = entry.Open();
                WriteNpy(stream, graph.Initializers[aliases.GetValueOrDefault(name, name)]);
            }
        }
        File.Move(temp, outPath, overwrite: true);
        Console.WriteLine($"{outPath}: {ordered.Count} arrays from {modelPath}");
        return 0;
    }

    private static void WriteNpy(Stream stream, OnnxTensor tensor)
    {
        var floating = tensor.IsFloatingPoint;
        var shape = tensor.Shape.Count switch
        {
            0 => "()",
            1 => $"({tensor.Shape[0]},)",
            _ => "(" + string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        // NPY 1.0: magic, version, little-endian header length, then a Python dict literal padded
        // with spaces and ended by '\n' so the data starts on a 64-byte boundary.
        var header = $"{{'descr': '{(floating ? "<f4" : "<i8")}', 'fortran_order': False, 'shape': {shape}, }}";
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        Span<byte> preamble = stackalloc byte[10];
        // 0x93 written as a byte: a string literal would encode it as two UTF-8 bytes.
        preamble[0] = 0x93;
        "NUMPY"u8.CopyTo(preamble[1..]);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)padded.Length);
        stream.Write(preamble);
        stream.Write(Encoding.ASCII.GetBytes(padded));

        if (floating)
        {
            var values = tensor.Floats;
            var bytes = new byte[values.Length * 4];
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            stream.Write(bytes);
        }
        else
        {
            var values = tensor.Int64s;
            var bytes = new byte[values.Length * 8];
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
            stream.Write(bytes);
        }
    }
}
