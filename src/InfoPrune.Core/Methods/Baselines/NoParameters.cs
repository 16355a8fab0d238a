using InfoPrune.Core.Policy;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Methods.Baselines;

/// <summary>Parameters of the baselines <c>l1</c>, <c>l2</c> and <c>random</c>: none (random uses the policy seed).</summary>
public sealed record NoParameters : MethodParameters
{
    public static readonly NoParameters Instance = new();

    internal static MethodParameters Parse(PolicyObjectReader reader)
    {
        reader.Finish();
        return Instance;
    }
}
