using Newtonsoft.Json.Linq;

namespace InfoPrune.Core.Tests.Policy;

/// <summary>
/// Just enough of JSON Schema draft-07 to check policies against the shipped schema, so the
/// tests do not depend on a schema library. It refuses keywords it does not know, so a schema
/// feature it would silently skip cannot make a test pass by accident.
/// </summary>
internal sealed class MiniSchemaValidator
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "$id", "$ref", "title", "description", "default", "definitions",
        "type", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "minItems", "maxItems", "items", "properties", "additionalProperties",
        "required", "minProperties", "maxProperties", "oneOf",
    ];

    private readonly JObject _root;

    public MiniSchemaValidator(JObject root) => _root = root;

    public JObject Resolve(JObject schema)
    {
        while (schema["$ref"] is JValue reference)
        {
            var pointer = ((string)reference!).TrimStart('#', '/').Split('/');
            schema = (JObject)pointer.Aggregate((JToken)_root, (node, key) => node[key]!);
        }
        return schema;
    }

    public List<string> Validate(JToken value) => Validate(_root, value, "$");

    private List<string> Validate(JObject schema, JToken value, string path)
    {
        schema = Resolve(schema);
        var errors = new List<string>();
        foreach (var keyword in schema.Properties().Select(p => p.Name))
            if (!Known.Contains(keyword)) throw new NotSupportedException($"schema keyword {keyword} at {path}");

        if (schema["type"] is JValue type && !HasType(value, (string)type!))
            errors.Add($"{path}: expected {type}, found {value.Type}");
        if (schema["const"] is { } constant && !JToken.DeepEquals(constant, value))
            errors.Add($"{path}: expected {constant}");
        if (schema["enum"] is JArray choices && !choices.Any(c => JToken.DeepEquals(c, value)))
            errors.Add($"{path}: {value} not in enum");

        if (value.Type is JTokenType.Integer or JTokenType.Float)
        {
            var number = value.Value<double>();
            if (schema["minimum"] is { } min && number < min.Value<double>()) errors.Add($"{path}: below minimum");
            if (schema["maximum"] is { } max && number > max.Value<double>()) errors.Add($"{path}: above maximum");
            if (schema["exclusiveMinimum"] is { } emin && number <= emin.Value<double>()) errors.Add($"{path}: not above exclusiveMinimum");
            if (schema["exclusiveMaximum"] is { } emax && number >= emax.Value<double>()) errors.Add($"{path}: not below exclusiveMaximum");
        }
        if (value is JValue { Type: JTokenType.String } s && schema["minLength"] is { } minLength && ((string)s!).Length < minLength.Value<int>())
            errors.Add($"{path}: shorter than minLength");

        if (value is JArray array)
        {
            if (schema["minItems"] is { } minItems && array.Count < minItems.Value<int>()) errors.Add($"{path}: too few items");
            if (schema["maxItems"] is { } maxItems && array.Count > maxItems.Value<int>()) errors.Add($"{path}: too many items");
            if (schema["items"] is JObject items)
                for (var i = 0; i < array.Count; i++) errors.AddRange(Validate(items, array[i], $"{path}[{i}]"));
        }

        if (value is JObject obj)
        {
            var properties = schema["properties"] as JObject;
            foreach (var property in obj.Properties())
            {
                if (properties?[property.Name] is JObject propertySchema)
                    errors.AddRange(Validate(propertySchema, property.Value, $"{path}.{property.Name}"));
                else if (schema["additionalProperties"] is JValue { Type: JTokenType.Boolean } allowed && !(bool)allowed!)
                    errors.Add($"{path}: additional property {property.Name}");
            }
            if (schema["required"] is JArray required)
                foreach (var key in required.Select(k => (string)k!))
                    if (obj[key] is null) errors.Add($"{path}: missing {key}");
            if (schema["minProperties"] is { } minProperties && obj.Count < minProperties.Value<int>()) errors.Add($"{path}: too few properties");
            if (schema["maxProperties"] is { } maxProperties && obj.Count > maxProperties.Value<int>()) errors.Add($"{path}: too many properties");
        }

        if (schema["oneOf"] is JArray branches)
        {
            var matching = branches.Count(b => Validate((JObject)b, value, path).Count == 0);
            if (matching != 1) errors.Add($"{path}: matches {matching} of the oneOf branches, expected exactly 1");
        }
        return errors;
    }

    private static bool HasType(JToken value, string type) => type switch
    {
        "object" => value.Type == JTokenType.Object,
        "array" => value.Type == JTokenType.Array,
        "string" => value.Type == JTokenType.String,
        "boolean" => value.Type == JTokenType.Boolean,
        "integer" => value.Type == JTokenType.Integer || value.Type == JTokenType.Float && value.Value<double>() % 1 == 0,
        "number" => value.Type is JTokenType.Integer or JTokenType.Float,
        "null" => value.Type == JTokenType.Null,
        _ => throw new NotSupportedException($"type {type}"),
    };
}
