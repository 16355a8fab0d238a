using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Core.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Conformance;

/// <summary>
/// The ONNX project's backend node tests, as Debian's libonnx-testdata installs them
/// (eng/setup.sh): one folder per test with model.onnx and test_data_set_N/{input,output}_K.pb.
/// Read the way an outside check would read them: the model through InfoPrune's reader, the
/// tensors through its tensor decoder, so integer data arrives as int64 and floating point as
/// float32, which is how the executor runs every value.
/// </summary>
public static class NodeTestSuite
{
    /// <summary>Where Debian puts the node tests; INFOPRUNE_ONNX_NODE_TESTS overrides it.</summary>
    public const string DefaultDirectory = "/usr/share/libonnx-testdata/data/node";

    public static string Directory =>
        Environment.GetEnvironmentVariable("INFOPRUNE_ONNX_NODE_TESTS") is { Length: > 0 } overridden ? overridden : DefaultDirectory;

    /// <summary>Every test folder name, sorted; empty when the suite is not installed.</summary>
    public static IReadOnlyList<string> TestNames =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetDirectories(Directory).Select(Path.GetFileName).Where(n => n!.StartsWith("test_", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToArray()!
            : Array.Empty<string>();

    public static string ModelPath(string test) => Path.Combine(Directory, test, "model.onnx");

    /// <summary>
    /// The (domain, op type, opset) of every node, read from the protobuf without decoding any
    /// tensor, so a model whose data the reader refuses can still be classified.
    /// </summary>
    public static IReadOnlyList<(string Domain, string OpType, long Opset)> Operators(string test)
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ModelPath(test)));
        var opsets = proto.OpsetImport.GroupBy(o => o.Domain == "ai.onnx" ? "" : o.Domain).ToDictionary(g => g.Key, g => g.Max(o => o.Version));
        return proto.Graph.Node.Select(n =>
        {
            var domain = n.Domain == "ai.onnx" ? "" : n.Domain;
            return (domain, n.OpType, opsets.TryGetValue(domain, out var v) ? v : 0L);
        }).Distinct().ToArray();
    }

    /// <summary>Operators of the test no family implements at their opset.</summary>
    public static IReadOnlyList<string> Unclaimed(string test, OpRegistry registry)
    {
        var supported = registry.Supported.ToArray();
        return Operators(test)
            .Where(op => !supported.Any(s => s.Domain == op.Domain && s.OpType == op.OpType && op.Opset >= s.MinOpset && op.Opset <= s.MaxOpset))
            .Select(op => $"{(op.Domain.Length > 0 ? op.Domain + "." : "")}{op.OpType}-{op.Opset}")
            .ToArray();
    }

    /// <summary>The test's data sets: per set, the input and expected output tensors in graph order.</summary>
    public static IEnumerable<(string Name, OnnxTensor[] Inputs, OnnxTensor[] Outputs)> DataSets(string test)
    {
        foreach (var folder in System.IO.Directory.GetDirectories(Path.Combine(Directory, test), "test_data_set_*").Order(StringComparer.Ordinal))
        {
            OnnxTensor[] Read(string prefix) => Enumerable.Range(0, int.MaxValue)
                .Select(i => Path.Combine(folder, $"{prefix}_{i}.pb"))
                .TakeWhile(File.Exists)
                .Select(path => OnnxTensor.FromProto(TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)), null, path))
                .ToArray();
            yield return (Path.GetFileName(folder), Read("input"), Read("output"));
        }
    }

    /// <summary>
    /// Runs one data set in eval mode and returns a description of every mismatch (empty when
    /// all outputs match): shapes exactly, floats within 1e-4 absolute + 1e-3 relative, integers
    /// and bools exactly, and each output of the expected kind (float, integer or bool). With
    /// <paramref name="shapesOnly"/>, values are not compared (outputs drawn at random).
    /// </summary>
    public static IReadOnlyList<string> Compare(GraphExecutor executor, OnnxTensor[] inputs, OnnxTensor[] expected, bool shapesOnly = false)
    {
        var problems = new List<string>();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var graph = executor.Model.Graph;
        inputs = inputs.Select((t, i) => i < graph.Inputs.Count ? AsDeclared(t, graph.Inputs[i].ElementType) : t).ToArray();
        expected = expected.Select((t, i) => i < graph.Outputs.Count ? AsDeclared(t, graph.Outputs[i].ElementType) : t).ToArray();
        var outputs = executor.ForwardAll(inputs.Select(i => TensorConversion.ToTorch(i, CPU)).ToArray());
        if (outputs.Length < expected.Length) problems.Add($"{outputs.Length} outputs, {expected.Length} expected");
        for (var k = 0; k < Math.Min(outputs.Length, expected.Length); k++)
        {
            var name = executor.OutputNames[k];
            var actual = outputs[k];
            if (actual is null) { problems.Add($"output '{name}' is null"); continue; }
            var want = expected[k];
            if (!actual.shape.SequenceEqual(want.Shape))
            {
                problems.Add($"output '{name}': shape {ShapeMath.Format(actual.shape)}, expected {ShapeMath.Format(want.Shape)}");
                continue;
            }
            var kind = KindOf(want.StoredType);
            var actualKind = actual.dtype == ScalarType.Bool ? "bool" : actual.is_floating_point() ? "float" : "integer";
            if (kind != actualKind)
            {
                problems.Add($"output '{name}': {actualKind} ({actual.dtype}), expected {kind} ({want.StoredType})");
                continue;
            }
            // TorchSharp's element accessor fails on an empty tensor; an empty shape that matched is equal.
            if (shapesOnly || actual.numel() == 0) continue;
            if (kind == "float")
            {
                var got = actual.cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
                var wanted = want.Floats;
                var bad = 0;
                var worst = "";
                for (var i = 0; i < got.Length; i++)
                {
                    double a = got[i], e = wanted[i];
                    var same = (double.IsNaN(a) && double.IsNaN(e)) || a == e || Math.Abs(a - e) <= 1e-4 + 1e-3 * Math.Abs(e);
                    if (same) continue;
                    if (bad++ == 0) worst = $"[{i}] {a:G6} vs {e:G6}";
                }
                if (bad > 0) problems.Add($"output '{name}': {bad} of {got.Length} floats differ, first {worst}");
            }
            else
            {
                var got = actual.cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
                var wanted = want.Int64s;
                var bad = 0;
                var worst = "";
                for (var i = 0; i < got.Length; i++)
                {
                    if (got[i] == wanted[i]) continue;
                    if (bad++ == 0) worst = $"[{i}] {got[i]} vs {wanted[i]}";
                }
                if (bad > 0) problems.Add($"output '{name}': {bad} of {got.Length} values differ, first {worst}");
            }
        }
        return problems;
    }

    /// <summary>
    /// numpy has no bfloat16, so the suite stores bfloat16 data as its uint16 bit patterns while
    /// the model declares bfloat16; such data is read back as the numbers the bits stand for.
    /// </summary>
    private static OnnxTensor AsDeclared(OnnxTensor tensor, TensorElementType declared) =>
        declared == TensorElementType.BFloat16 && tensor.StoredType == TensorElementType.UInt16
            ? OnnxTensor.FromFloats(tensor.Name, tensor.Shape.ToArray(),
                tensor.ToInt64Array().Select(bits => BitConverter.Int32BitsToSingle((int)bits << 16)).ToArray(), TensorElementType.BFloat16)
            : tensor;

    private static string KindOf(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "bool",
        TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16 => "float",
        _ => "integer",
    };
}
