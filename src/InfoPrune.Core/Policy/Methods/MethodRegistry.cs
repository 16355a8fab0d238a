using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Policy;

/// <summary>Builds a method's parameters from its <c>method</c> object, reporting errors as it goes.</summary>
internal delegate MethodParameters MethodParameterParser(PolicyObjectReader reader);

/// <summary>
/// The pruning methods a policy may name, each with the parser of its parameters. A name is
/// registered once; a second registration is a bug and fails at startup.
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<string, MethodParameterParser> Parsers = new(StringComparer.Ordinal);
    private static readonly List<string> RegisteredNames = new();

    static MethodRegistry()
    {
        Register("l1", NoParameters.Parse);
        Register("l2", NoParameters.Parse);
        Register("random", NoParameters.Parse);
        Register("entropy", r => InformationMeasureParameters.Parse(r, InformationMeasure.Entropy));
        Register("mutual-information", r => InformationMeasureParameters.Parse(r, InformationMeasure.MutualInformation));
        Register("kl-selectivity", r => InformationMeasureParameters.Parse(r, InformationMeasure.KlSelectivity));
        Register("js-separation", r => InformationMeasureParameters.Parse(r, InformationMeasure.JsSeparation));
        Register("labeled-mi", r => InformationMeasureParameters.Parse(r, InformationMeasure.LabeledMi));
        Register("hybrid", HybridParameters.Parse);
        Register("cmi", CmiParameters.Parse);
        Register("mipp", MippParameters.Parse);
        Register("ib-gates", IbGatesParameters.Parse);
    }

    /// <summary>Every registered method name, in registration order.</summary>
    public static IReadOnlyList<string> Names => RegisteredNames.AsReadOnly();

    public static bool IsKnown(string name) => Parsers.ContainsKey(name);

    internal static bool TryGetParser(string name, out MethodParameterParser parser) =>
        Parsers.TryGetValue(name, out parser!);

    private static void Register(string name, MethodParameterParser parser)
    {
        if (!Parsers.TryAdd(name, parser))
            throw new InvalidOperationException($"pruning method '{name}' is registered twice");
        RegisteredNames.Add(name);
    }
}
