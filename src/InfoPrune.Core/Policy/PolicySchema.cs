using InfoPrune.Core.Methods;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace InfoPrune.Core.Policy;

/// <summary>
/// The JSON Schema of the policy format (draft-07), shipped inside the assembly. Editors use it
/// for completion and tooltips when a policy names it in <c>"$schema"</c>; <c>infoprune schema</c>
/// prints it. The parser, not the schema, is the authority: a test keeps the two in agreement.
/// The file in <c>Policy/</c> holds everything but the methods; each registered method's
/// definition comes from the fragment in its own folder (<see cref="MethodCatalog"/>), so the
/// schema offers exactly the methods this build can run.
/// </summary>
public static class PolicySchema
{
    /// <summary>The file name users save the schema under, next to their policies.</summary>
    public const string FileName = "infoprune.policy.schema.json";

    private const string ResourceName = "InfoPrune.Core.Policy.infoprune.policy.schema.json";

    private static readonly Lazy<string> LazyText = new(Compose);

    /// <summary>The schema's JSON text.</summary>
    public static string Text => LazyText.Value;

    private static string Compose()
    {
        var schema = JObject.Parse(ReadResource());
        var definitions = (JObject)schema["definitions"]!;
        foreach (var (resource, fragment) in MethodCatalog.SchemaFragments())
            foreach (var (name, definition) in fragment)
            {
                if (definitions[name] is { } existing && !JToken.DeepEquals(existing, definition))
                    throw new InvalidOperationException($"schema definition '{name}' of {resource} differs from one declared before");
                definitions[name] = definition;
            }
        var choices = (JArray)schema["properties"]!["method"]!["oneOf"]!;
        foreach (var name in MethodCatalog.Names)
        {
            if (definitions["method-" + name] == null)
                throw new InvalidOperationException($"method '{name}' is registered but no schema fragment defines 'method-{name}'");
            choices.Add(new JObject { ["$ref"] = "#/definitions/method-" + name });
        }
        OfferAutoTarget(schema);
        return schema.ToString(Formatting.Indented) + "\n";
    }

    /// <summary>
    /// <c>"target": "auto"</c> is offered only when a registered method decides its own ratios:
    /// the target becomes a choice of that word or the object of budgets.
    /// </summary>
    private static void OfferAutoTarget(JObject schema)
    {
        if (MethodCatalog.RatioDecidingNames.Count == 0) return;
        var properties = (JObject)schema["properties"]!;
        var budgets = (JObject)properties["target"]!;
        properties["target"] = new JObject
        {
            ["description"] = "How much to keep: \"auto\" (the method decides each layer's ratio; only " +
                string.Join(", ", MethodCatalog.RatioDecidingNames) + ", and one step) or an object with exactly one of ratio, macs, params, latency.",
            ["oneOf"] = new JArray
            {
                new JObject { ["const"] = "auto", ["description"] = "No budget: the method keeps what its own test finds necessary, layer by layer." },
                budgets,
            },
        };
    }

    private static string ReadResource()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(PolicySchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
