namespace InfoPrune.Core.Policy;

/// <summary>
/// Base of every method's parameter record. Each method has its own small record (or shares one
/// with its family) so the method's folder can own it; <see cref="MethodRegistry"/> maps the
/// method name to the parser that builds it.
/// </summary>
public abstract record MethodParameters;

/// <summary>Parameters of the baselines <c>l1</c>, <c>l2</c> and <c>random</c>: none (random uses the policy seed).</summary>
public sealed record NoParameters : MethodParameters
{
    public static readonly NoParameters Instance = new();

    internal static MethodParameters Parse(Reading.PolicyObjectReader reader)
    {
        reader.Finish();
        return Instance;
    }
}
