namespace InfoPrune.Core.Policy;

/// <summary>
/// The <c>method</c> section: the pruning method's registered name (see <see cref="Methods.MethodCatalog"/>)
/// and its parameters, already validated for that method.
/// </summary>
public sealed record MethodPolicy(string Name, MethodParameters Parameters);
