namespace InfoPrune.Core.Tests.Conformance;

/// <summary>What the conformance theory checks for a listed test instead of comparing every output.</summary>
public enum NodeTestHandling
{
    /// <summary>The ops are claimed, but this use of them is refused when the graph is compiled, with an unsupported-model (IP02xx) code.</summary>
    RefusedAtCompile,
    /// <summary>The outputs cannot be reproduced (random draws); the run must succeed with the expected shapes and kinds.</summary>
    ShapesOnly,
}

/// <summary>
/// The one place that lists the node tests the suite cannot express for InfoPrune, each with the
/// reason. Every other test of a claimed op must match its expected outputs. A listed test that
/// starts to pass (or to run) fails the theory, so the list cannot go stale.
/// </summary>
public static class NodeTestExceptions
{
    public sealed record Entry(NodeTestHandling Handling, string Reason);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
    };

    public static Entry? For(string test) => Entries.GetValueOrDefault(test);

    public static IReadOnlyDictionary<string, Entry> All => Entries;
}
