namespace InfoPrune.Core.Policy;

/// <summary>
/// The JSON Schema of the policy format (draft-07), shipped inside the assembly. Editors use it
/// for completion and tooltips when a policy names it in <c>"$schema"</c>; <c>infoprune schema</c>
/// prints it. The parser, not the schema, is the authority: a test keeps the two in agreement.
/// </summary>
public static class PolicySchema
{
    /// <summary>The file name users save the schema under, next to their policies.</summary>
    public const string FileName = "infoprune.policy.schema.json";

    private const string ResourceName = "InfoPrune.Core.Policy.infoprune.policy.schema.json";

    private static readonly Lazy<string> LazyText = new(ReadResource);

    /// <summary>The schema's JSON text.</summary>
    public static string Text => LazyText.Value;

    private static string ReadResource()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(PolicySchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
