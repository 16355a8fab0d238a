using System.Reflection;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Maps (domain, op type, opset) to the family that implements it. Built once from every
/// <see cref="IOpFamily"/> in the engine; two families claiming overlapping opsets of the same op
/// are refused, so which code runs a node is never ambiguous.
/// </summary>
public sealed class OpRegistry
{
    private readonly Dictionary<(string Domain, string OpType), List<IOpFamily>> _families = new();
    private readonly Dictionary<string, ActivationTraits> _activationKinds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registry of all built-in families.</summary>
    public static OpRegistry Default { get; } = FromAssembly(typeof(OpRegistry).Assembly);

    public static OpRegistry FromAssembly(Assembly assembly)
    {
        var registry = new OpRegistry();
        var families = assembly.GetTypes()
            .Where(t => typeof(IOpFamily).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) != null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IOpFamily)Activator.CreateInstance(t)!);
        foreach (var family in families) registry.Add(family);
        return registry;
    }

    public void Add(IOpFamily family)
    {
        foreach (var opType in family.OpTypes)
        {
            var key = (family.Domain, opType);
            if (!_families.TryGetValue(key, out var list)) _families[key] = list = new List<IOpFamily>();
            var clash = list.FirstOrDefault(f => f.Opsets.Min <= family.Opsets.Max && family.Opsets.Min <= f.Opsets.Max);
            if (clash != null)
                throw new InfoPruneException(OpsErrors.DuplicateRegistration,
                    $"operator {opType} is claimed by both {clash.GetType().Name} and {family.GetType().Name} for overlapping opsets");
            list.Add(family);
        }
        // One kind, one meaning: a GELU op and the exported GELU pattern must agree on its traits.
        foreach (var kind in family.ActivationKinds)
        {
            if (_activationKinds.TryGetValue(kind.Kind, out var known) && known != kind)
                throw new InfoPruneException(OpsErrors.DuplicateRegistration,
                    $"activation {kind.Kind} is declared as {known} and, by {family.GetType().Name}, as {kind}");
            _activationKinds[kind.Kind] = kind;
        }
    }

    /// <summary>Every op type known, for listings.</summary>
    public IEnumerable<(string Domain, string OpType, long MinOpset, long MaxOpset)> Supported =>
        _families.SelectMany(kv => kv.Value.Select(f => (kv.Key.Domain, kv.Key.OpType, f.Opsets.Min, f.Opsets.Max)))
            .OrderBy(x => x.OpType, StringComparer.Ordinal);

    public IOpFamily? Find(OnnxNode node) =>
        _families.TryGetValue((node.Domain, node.OpType), out var list)
            ? list.FirstOrDefault(f => node.Opset >= f.Opsets.Min && node.Opset <= f.Opsets.Max)
            : null;

    /// <summary>
    /// The family of the node's op type at the node's opset, else at any opset it has: for
    /// describing a model the tool may not run (which inputs are statistics, which nodes are
    /// aliases), questions whose answers hold across an op's versions.
    /// </summary>
    public IOpFamily? FindAtAnyOpset(OnnxNode node) =>
        Find(node) ?? (_families.TryGetValue((node.Domain, node.OpType), out var list) ? list.FirstOrDefault() : null);

    /// <summary>True when some family runs <paramref name="opType"/> of <paramref name="domain"/> at <paramref name="opset"/>.</summary>
    public bool Supports(string domain, string opType, long opset) =>
        _families.TryGetValue((domain, opType), out var list) && list.Any(f => opset >= f.Opsets.Min && opset <= f.Opsets.Max);

    /// <summary>
    /// The activation a probe or report names by <see cref="ActivationTraits.Kind"/> (compared
    /// case-insensitively), as the families declare it; null for null or an unknown kind.
    /// </summary>
    public ActivationTraits? FindActivationKind(string? kind) =>
        kind == null ? null : _activationKinds.GetValueOrDefault(kind);

    /// <summary>Every (op, domain, opset) the graph uses that no family implements, with the node names.</summary>
    public IReadOnlyList<UnsupportedOperator> FindUnsupported(OnnxGraph graph) =>
        graph.Nodes.Where(n => Find(n) == null)
            .GroupBy(n => (n.Domain, n.OpType, n.Opset))
            .Select(g => new UnsupportedOperator(g.Key.Domain, g.Key.OpType, g.Key.Opset, g.Select(n => n.DisplayName).ToArray()))
            .ToArray();

    /// <summary>
    /// Runs every supported node's <see cref="IOpFamily.Check"/> and throws every contradiction found
    /// at once (exit code 2). Cheap: no tensors are made.
    /// </summary>
    public void ThrowIfInconsistent(OnnxGraph graph, string? modelPath)
    {
        var diagnostics = new DiagnosticBag();
        var context = new CompileContext(graph, modelPath, diagnostics);
        foreach (var node in graph.Nodes) Find(node)?.Check(node, context);
        diagnostics.ThrowIfErrors();
    }

    /// <summary>Throws one error listing every unsupported operator at once (exit code 4).</summary>
    public void ThrowIfUnsupported(OnnxGraph graph, string? modelPath)
    {
        var unsupported = FindUnsupported(graph);
        if (unsupported.Count == 0) return;
        throw new InfoPruneException(unsupported.Select(u => new Diagnostic(OpsErrors.UnsupportedOperator, u.Describe(), modelPath)));
    }
}

/// <summary>An operator the model uses that the tool cannot run.</summary>
public sealed record UnsupportedOperator(string Domain, string OpType, long Opset, IReadOnlyList<string> Nodes)
{
    public string Describe() =>
        $"unsupported operator {(Domain.Length > 0 ? Domain + "." : "")}{OpType} (opset {Opset}) used by {Nodes.Count} node(s): {string.Join(", ", Nodes)}";
}
