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
    public static OnnxModel Load(string path) => Parse(ReadFile(path), path);

    /// <summary>
    /// The bytes of a model file, with an error of its own for each way that fails: absent, a
    /// folder, unreadable, empty.
    /// </summary>
    public static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path))
            throw new InfoPruneException(GeneralErrors.InputIsDirectory, $"the model path '{Path.GetFullPath(path)}' is a folder, not an ONNX file", path);
        if (!File.Exists(path))
            throw new InfoPruneException(GeneralErrors.FileNotFound, $"model file '{Path.GetFullPath(path)}' not found", path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InfoPruneException(new Diagnostic(GeneralErrors.InputUnreadable, $"model file '{Path.GetFullPath(path)}' cannot be read: {ex.Message}", path), ex);
        }
        if (bytes.Length == 0)
            throw new InfoPruneException(OnnxErrors.EmptyFile, $"model file '{Path.GetFullPath(path)}' is empty (0 bytes): not an ONNX model", path);
        return bytes;
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
        if (bytes.Length == 0)
            throw new InfoPruneException(OnnxErrors.EmptyFile, "the model is empty (0 bytes): not an ONNX model", path);
        var model = new OnnxModel(proto, path);
        // A file from outside is checked for what would otherwise fail later with a runtime's
        // message (or not at all); models built in memory are the tool's own.
        if (path != null) model.ThrowIfUnusable();
        return model;
    }

    private void ThrowIfUnusable()
    {
        var bag = new DiagnosticBag();
        if (Graph.Outputs.Count == 0)
            bag.Error(OnnxErrors.NoOutputs, "the model's graph declares no outputs (graph.output is empty): there is nothing to classify with", SourcePath);
        foreach (var tensor in Graph.Initializers.Values.Where(t => t.IsFloatingPoint))
        {
            var values = tensor.Floats;
            for (var i = 0; i < values.Length; i++)
            {
                if (float.IsFinite(values[i])) continue;
                bag.Error(OnnxErrors.NonFiniteWeights,
                    $"initializer '{tensor.Name}' {ShapeMath.Format(tensor.Shape)} holds {values[i]} at flat index {i}: the file is corrupted or the training diverged",
                    SourcePath);
                break;
            }
        }
        bag.ThrowIfErrors();
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
