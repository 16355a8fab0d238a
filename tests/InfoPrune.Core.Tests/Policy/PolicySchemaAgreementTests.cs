using InfoPrune.Core.Methods;
using InfoPrune.Core.Policy;
using Newtonsoft.Json.Linq;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Policy;

/// <summary>
/// The parser is the authority and the schema is what editors show; these tests keep them saying
/// the same thing: the same objects with the same keys, and the same verdict on sample policies.
/// </summary>
public class PolicySchemaAgreementTests
{
    private static readonly JObject Schema = JObject.Parse(PolicySchema.Text);
    private static readonly MiniSchemaValidator Validator = new(Schema);

    /// <summary>One policy per method (reaching its nested objects) plus the full example: every object the parser reads.</summary>
    public static IEnumerable<string> PoliciesCoveringEveryObject()
    {
        yield return Full;
        foreach (var name in MethodCatalog.Names)
        {
            var takesQuantizer = name is "hybrid" || InformationMeasureParametersNames.Contains(name);
            yield return WithMethod(takesQuantizer
                ? $"{{\"name\": \"{name}\", \"quantizer\": {{\"bits\": 1}}}}"
                : $"{{\"name\": \"{name}\"}}");
        }
    }

    private static readonly string[] InformationMeasureParametersNames =
        ["entropy", "mutual-information", "kl-selectivity", "js-separation", "labeled-mi"];

    [Fact]
    public void SchemaIsDraft07AndNamesItsFile()
    {
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)Schema["$schema"]);
        Assert.Equal(PolicySchema.FileName, (string?)Schema["$id"]);
        Assert.False((bool)Schema["additionalProperties"]!);
    }

    [Fact]
    public void ParserAndSchemaDescribeTheSameObjectsWithTheSameKeys()
    {
        var parserKeys = new Dictionary<string, SortedSet<string>>();
        foreach (var json in PoliciesCoveringEveryObject())
        {
            var result = PolicyLoader.Check(json, PolicyPath, checkFiles: false, keysAccepted: (path, keys) =>
            {
                if (!parserKeys.TryGetValue(path, out var set)) parserKeys[path] = set = new SortedSet<string>();
                set.UnionWith(keys);
            });
            Assert.True(result.IsValid, Render(result.Diagnostics));
        }
        var schemaKeys = new Dictionary<string, SortedSet<string>>();
        CollectSchemaObjects(Schema, "", schemaKeys);

        Assert.Equal(schemaKeys.Keys.Order(), parserKeys.Keys.Order());
        foreach (var (path, keys) in schemaKeys)
            Assert.True(keys.SetEquals(parserKeys[path]),
                $"at '{path}': schema has [{string.Join(", ", keys)}], parser accepts [{string.Join(", ", parserKeys[path])}]");
    }

    [Fact]
    public void SchemaListsExactlyTheRegisteredMethods()
    {
        var schemaMethods = ((JArray)Schema["properties"]!["method"]!["oneOf"]!)
            .Select(branch => (string)Validator.Resolve((JObject)branch)["properties"]!["name"]!["const"]!);

        Assert.Equal(MethodCatalog.Names, schemaMethods);
    }

    [Fact]
    public void EveryPolicyTheParserAcceptsHereValidatesAgainstTheSchema()
    {
        foreach (var json in PoliciesCoveringEveryObject())
            Assert.Empty(Validator.Validate(JToken.Parse(json)));
    }

    [Theory]
    [InlineData("unknown key", """, "seeds": 1}""")]
    [InlineData("keep ratio above one", """, "constraints": {"maxRatio": 1.5}}""")]
    [InlineData("optimizer name in the wrong case", """, "fineTune": {"optimizer": {"name": "Adam"}}}""")]
    [InlineData("negative epochs", """, "fineTune": {"epochs": -1}}""")]
    [InlineData("schedule with an unknown key", """, "fineTune": {"schedule": {"name": "step", "step": 2}}}""")]
    [InlineData("zero temperature", """, "fineTune": {"distill": {"temperature": 0}}}""")]
    [InlineData("gate accuracy as percent", """, "gate": {"minAccuracy": 88}}""")]
    [InlineData("roundTo names no rounding mode", """, "constraints": {"roundTo": "fast"}}""")]
    [InlineData("allocation names no way of sharing a budget", """, "constraints": {"allocation": "information"}}""")]
    [InlineData("latency gate of zero", """, "gate": {"maxLatencyRatio": 0}}""")]
    [InlineData("negative latency threads", """, "latency": {"threads": -1}}""")]
    [InlineData("negative seed", """, "seed": -1}""")]
    [InlineData("misspelled section", """, "fineTunes": {}}""")]
    public void PoliciesTheParserRejectsAreRejectedByTheSchemaToo(string scenario, string tail)
    {
        var json = Minimal[..^1] + tail;

        Assert.False(Check(json).IsValid, scenario);
        Assert.NotEmpty(Validator.Validate(JToken.Parse(json)));
    }

    [Theory]
    [InlineData("l1 with a quantizer", """{"name": "l1", "quantizer": {"bits": 1}}""")]
    [InlineData("mipp with alpha 1", """{"name": "mipp", "alpha": 1}""")]
    [InlineData("mipp with one repeat", """{"name": "mipp", "repeats": 1}""")]
    [InlineData("mipp with an empty hidden list", """{"name": "mipp", "hidden": []}""")]
    [InlineData("mipp with max collapse", """{"name": "mipp", "collapse": "max"}""")]
    [InlineData("hybrid with one split value", """{"name": "hybrid", "split": [1]}""")]
    [InlineData("unknown measure in hybrid", """{"name": "hybrid", "deep": "kl"}""")]
    [InlineData("quantizer with three bits", """{"name": "entropy", "quantizer": {"bits": 3}}""")]
    [InlineData("entropy with an unknown collapse", """{"name": "entropy", "collapse": "median"}""")]
    [InlineData("unknown method", """{"name": "magnitude"}""")]
    public void MethodParametersTheParserRejectsAreRejectedByTheSchemaToo(string scenario, string method)
    {
        var json = WithMethod(method);

        Assert.False(Check(json).IsValid, scenario);
        Assert.NotEmpty(Validator.Validate(JToken.Parse(json)));
    }

    [Fact]
    public void EveryKeyInTheSchemaHasADescriptionForEditorTooltips()
    {
        var missing = new List<string>();
        void Walk(JObject schema, string path)
        {
            schema = Validator.Resolve(schema);
            foreach (var branch in (schema["oneOf"] as JArray ?? []).OfType<JObject>())
                Walk(branch, path);
            foreach (var property in (schema["properties"] as JObject)?.Properties() ?? [])
            {
                var propertySchema = (JObject)property.Value;
                if (propertySchema["description"] is null) missing.Add($"{path}.{property.Name}");
                Walk(propertySchema, $"{path}.{property.Name}");
            }
        }
        Walk(Schema, "$");

        Assert.Empty(missing);
    }

    /// <summary>Records, per object the schema describes, its keys; method branches become "method(name)".</summary>
    private static void CollectSchemaObjects(JObject schema, string path, Dictionary<string, SortedSet<string>> into)
    {
        schema = Validator.Resolve(schema);
        foreach (var branch in (schema["oneOf"] as JArray ?? []).OfType<JObject>().Select(Validator.Resolve))
        {
            if (branch["properties"]?["name"]?["const"] is JValue variant)
                CollectSchemaObjects(branch, $"{path}({variant})", into);
            else if ((string?)branch["type"] == "object")
                CollectSchemaObjects(branch, path, into);
        }
        if (schema["properties"] is not JObject properties) return;
        into[path] = new SortedSet<string>(properties.Properties().Select(p => p.Name), StringComparer.Ordinal);
        foreach (var property in properties.Properties())
            CollectSchemaObjects((JObject)property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", into);
    }
}
