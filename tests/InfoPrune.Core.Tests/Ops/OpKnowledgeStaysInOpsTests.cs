using InfoPrune.Core.Ops;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>
/// DESIGN.md's rule of the rooms: an op's whole story is in its one file under Ops/, and no other
/// folder compares op-type strings (the rest of the engine asks the op families through
/// <see cref="IOpFamily"/>'s traits). The scanner is tested on code written to break the rule,
/// then run on every source file of the product.
/// </summary>
public sealed class OpKnowledgeStaysInOpsTests
{
    private static readonly string[] OpNames = KnownOpNames();

    [Fact]
    public void NoSourceOutsideOpsComparesOpTypes()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var ops = Path.Combine(src, "InfoPrune.Core", "Ops") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(ops, StringComparison.Ordinal) && !IsBuildOutput(f))
            .ToList();
        Assert.Contains(files, f => f.EndsWith(Path.Combine("Pruning", "Surgery.cs"), StringComparison.Ordinal));

        var findings = files.SelectMany(f => OpTypeComparisonScanner.Scan(Path.GetRelativePath(src, f), File.ReadAllText(f), OpNames)).ToList();

        Assert.True(findings.Count == 0,
            "op knowledge outside Ops/ (give the op family a trait instead):\n" + string.Join("\n", findings));
    }

    [Fact]
    public void EveryFormOfOpTypeComparisonIsFound()
    {
        const string offenders = """
            class C
            {
                bool A(OnnxNode node) => node.OpType == "Conv";
                bool B(OnnxNode node) => "Gemm" != node.OpType;
                bool C(OnnxNode node, string t) => node.OpType == t;
                bool D(OnnxNode node) => node.OpType is "Gemm" or "Conv";
                bool E(OnnxGraph g) => g.Producer("y") is { OpType: "Softmax" };
                int F(OnnxNode node) => node.OpType switch { "Conv" => 0, _ => 1 };
                int G(string? activation) { switch (activation?.ToLowerInvariant()) { case "relu": return 0; default: return 1; } }
                bool H(string activation) => activation != "Relu";
                static readonly HashSet<string> Saturating = new() { "Sigmoid", "Tanh" };
                bool I(OnnxNode node) => node.OpType.Equals("Erf");
                bool J(OnnxNode node) => Saturating.Contains(node.OpType);
                static readonly string[] Pooling = ["MaxPool", "AveragePool"];
                bool K(IOpFamily f) => f.OpTypes.Contains("Relu");
                static readonly Dictionary<string, float> Thresholds = new() { { "Relu", 0f }, { "Sigmoid", 0.5f } };
                bool L(string kind) => kind is "Tanh";
                bool M(string kind) => string.Equals(kind, "sigmoid", StringComparison.OrdinalIgnoreCase);
            }
            """;

        var found = OpTypeComparisonScanner.Scan("offenders.cs", offenders, OpNames);

        // One finding on each offending line (lines 3 to 18), nothing else.
        Assert.Equal(Enumerable.Range(3, 16), found.Select(f => f.Line).Distinct().Order());
    }

    [Fact]
    public void CodeThatOnlyPrintsOrBuildsOpTypesIsLeftAlone()
    {
        const string clean = """
            class C
            {
                string A(OnnxNode node) => $"'{node.DisplayName}' ({node.OpType}) has no channel rule";
                void B(JsonWriter json, OnnxNode node) => json.WriteString("op", node.OpType);
                string C(OnnxNode n) => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}.{n.OpType}";
                NodeProto D(string name) => new NodeProto { Name = name, OpType = BatchNormalizationOp.OpType };
                bool E(NodeProto n, string display) => $"{n.OpType}({n.Output[0]})" == display;
                TextTable F() => new TextTable("Values", ("Kind", false), ("Shape", false));
                // node.OpType == "Conv" in a comment is not code
                string G() => "node.OpType == \"Conv\" inside a string is not code either";
                bool H(string schedule) => schedule == "cosine";
            }
            """;

        Assert.Empty(OpTypeComparisonScanner.Scan("clean.cs", clean, OpNames));
    }

    /// <summary>Every op type a family runs and every activation kind one declares.</summary>
    private static string[] KnownOpNames()
    {
        var families = typeof(IOpFamily).Assembly.GetTypes()
            .Where(t => typeof(IOpFamily).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) != null)
            .Select(t => (IOpFamily)Activator.CreateInstance(t)!)
            .ToList();
        return families.SelectMany(f => f.OpTypes.Concat(f.ActivationKinds.Select(a => a.Kind))).Distinct().ToArray();
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "InfoPrune.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("InfoPrune.slnx not found above " + AppContext.BaseDirectory);
    }
}
