using System.Reflection;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.IbGates;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Policy;
using Newtonsoft.Json.Linq;

namespace InfoPrune.Core.Methods;

/// <summary>
/// The pruning methods this build can run: one registration line per method, each pointing at
/// the <see cref="MethodDefinition"/> in the method's folder. The policy reader, the schema and
/// the loop all ask here, so a name is offered exactly when something can run it.
/// </summary>
public static class MethodCatalog
{
    private static readonly MethodDefinition[] Registered =
    [
        MagnitudeMethod.L1Definition,
        MagnitudeMethod.L2Definition,
        RandomMethod.Definition,
        InformationMeasureMethod.EntropyDefinition,
        InformationMeasureMethod.MutualInformationDefinition,
        InformationMeasureMethod.KlSelectivityDefinition,
        InformationMeasureMethod.JsSeparationDefinition,
        InformationMeasureMethod.LabeledMiDefinition,
        HybridMethod.Definition,
        Cmi.CmiMethod.Definition,
        Mipp.MippMethod.Definition,
        IbGatesMethod.Definition,
    ];

    private static readonly Dictionary<string, MethodDefinition> ByName = Index(Registered);

    /// <summary>Every method name, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Registered.Select(d => d.Name).ToArray();

    /// <summary>The methods that decide each layer's ratio themselves (they accept <c>"target": "auto"</c>).</summary>
    public static IReadOnlyList<string> RatioDecidingNames { get; } = Registered.Where(d => d.DecidesRatios).Select(d => d.Name).ToArray();

    /// <summary>True when a policy may name <paramref name="name"/>.</summary>
    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    internal static bool TryGet(string name, out MethodDefinition definition) => ByName.TryGetValue(name, out definition!);

    /// <summary>The runnable method a parsed policy names.</summary>
    public static IPruningMethod Create(MethodPolicy method) =>
        ByName.TryGetValue(method.Name, out var definition)
            ? definition.Create(method.Parameters)
            : throw new ArgumentException($"method '{method.Name}' is not registered (a policy is checked against the catalog when read)", nameof(method));

    /// <summary>
    /// <paramref name="method"/> with the parameters that depend on the rest of the policy settled for
    /// <paramref name="fineTune"/> (e.g. the information measures' <c>"magnitude": "auto"</c>); the policy parser
    /// calls it once every section is read, so a parsed policy says what will run.
    /// </summary>
    public static MethodPolicy Settle(MethodPolicy method, FineTunePolicy fineTune) =>
        ByName.TryGetValue(method.Name, out var definition) && definition.Settle is { } settle
            ? method with { Parameters = settle(method.Parameters, fineTune) }
            : method;

    /// <summary>
    /// The schema definitions of every registered method (<c>method-&lt;name&gt;</c> and what they
    /// reference), read from the fragments the method folders embed. A definition two fragments
    /// both declare must be the same.
    /// </summary>
    internal static IEnumerable<(string Name, JObject Definitions)> SchemaFragments() =>
        Registered.Select(d => d.SchemaResource).Distinct().Select(resource => (resource, ReadFragment(resource)));

    private static JObject ReadFragment(string resource)
    {
        var assembly = typeof(MethodCatalog).Assembly;
        var name = "InfoPrune.Core." + resource.Replace('/', '.');
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded schema fragment {name} is missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return JObject.Parse(reader.ReadToEnd());
    }

    private static Dictionary<string, MethodDefinition> Index(IEnumerable<MethodDefinition> definitions)
    {
        var index = new Dictionary<string, MethodDefinition>(StringComparer.Ordinal);
        foreach (var definition in definitions)
            if (!index.TryAdd(definition.Name, definition))
                throw new InvalidOperationException($"pruning method '{definition.Name}' is registered twice");
        return index;
    }
}
