using Google.Protobuf;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.IO;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Onnx;

/// <summary>
/// An ONNX model: the protobuf exactly as read (the source of truth for writing back — every
/// field the tool does not change, including unknown ones, survives) and the decoded graph IR.
/// Immutable: edits go through <see cref="Rewrite"/>, which returns a new model.
/// </summary>
public sealed class OnnxModel
{
    private readonly ModelProto _proto;

    /// <summary>Where the model was read from, or null when it was built in memory.</summary>
    public string? SourcePath { get; }
    public OnnxGraph Graph { get; }
    /// <summary>Opset version per domain ("" is the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; }
    public long IrVersion => _proto.IrVersion;
    public string ProducerName => _proto.ProducerName;
    public string ProducerVersion => _proto.ProducerVersion;
    public IReadOnlyDictionary<string, string> Metadata =>
        _proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    private OnnxModel(ModelProto proto, string? sourcePath)
    {
        _proto = proto;
        SourcePath = sourcePath;
        if (proto.Graph == null)
            throw new InfoPruneException(OnnxErrors.MissingGraph, "the model has no graph", sourcePath);
        Opsets = proto.OpsetImport
            .GroupBy(o => o.Domain == "ai.onnx" ? "" : o.Domain)
            .ToDictionary(g => g.Key, g => g.Max(o => o.Version));
        var baseDirectory = sourcePath == null ? null : Path.GetDirectoryName(Path.GetFullPath(sourcePath));
        Graph = new OnnxGraph(proto.Graph, Opsets, baseDirectory, sourcePath);
    }

    /// <summary>Reads and checks a model file. Errors name the file.</summary>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path))
            throw new InfoPruneException(GeneralErrors.FileNotFound, $"model file '{Path.GetFullPath(path)}' not found", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses model bytes; <paramref name="path"/> names them in errors and locates external data.</summary>
    public static OnnxModel Parse(byte[] bytes, string? path = null)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InfoPruneException(OnnxErrors.NotOnnx, $"not an ONNX model ({bytes.Length} bytes): {ex.Message}", path);
        }
        return new OnnxModel(proto, path);
    }

    /// <summary>A copy of the underlying protobuf, for writers and tools that need every field.</summary>
    public ModelProto CloneProto() => _proto.Clone();

    /// <summary>The protobuf of one initializer as stored (for layout-preserving edits).</summary>
    public TensorProto? InitializerProto(string name) => _proto.Graph.Initializer.FirstOrDefault(t => t.Name == name);

    /// <summary>Returns a new model made from an edited copy of this one's protobuf.</summary>
    public OnnxModel Rewrite(Action<ModelProto> edit)
    {
        var copy = InlineExternalData();
        edit(copy);
        return new OnnxModel(copy, SourcePath);
    }

    /// <summary>
    /// The bytes to write. Tensors stored in external data files are inlined, because the output
    /// goes to another place where those files do not exist.
    /// </summary>
    public byte[] ToBytes() => InlineExternalData().ToByteArray();

    /// <summary>Writes the model atomically (temp file + rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToBytes());

    private ModelProto InlineExternalData()
    {
        var copy = _proto.Clone();
        foreach (var t in copy.Graph.Initializer)
        {
            if (t.DataLocation != TensorProto.Types.DataLocation.External) continue;
            var decoded = Graph.Initializers[t.Name];
            var inlined = decoded.ToProto(null);
            t.ExternalData.Clear();
            t.ClearDataLocation();
            t.RawData = inlined.RawData;
        }
        return copy;
    }
}
