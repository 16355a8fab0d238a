using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Methods.Baselines;
using InfoPrune.Core.Methods.Information;
using InfoPrune.Core.Policy;

namespace InfoPrune.Core.Methods;

/// <summary>The pruning methods the pipeline can run, by policy name.</summary>
public static class MethodCatalog
{
    /// <summary>The policy names a method the policy schema knows but this build cannot run yet.</summary>
    public static readonly ErrorCode NotAvailable = ErrorCode.Unsupported(520);

    public static IImportanceMethod Create(MethodPolicy method, string? policyPath) => method.Name switch
    {
        "l1" => MagnitudeMethod.L1,
        "l2" => MagnitudeMethod.L2,
        "random" => new RandomMethod(),
        _ when InformationMethods.Handles(method) => InformationMethods.Create(method),
        _ => throw new InfoPruneException(NotAvailable, $"method '{method.Name}' is not available in this build (available: l1, l2, random, entropy, mutual-information, kl-selectivity, js-separation, labeled-mi, hybrid)", policyPath),
    };
}
