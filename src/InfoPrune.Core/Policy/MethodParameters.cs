namespace InfoPrune.Core.Policy;

/// <summary>
/// Base of every method's parameter record. Each method has its own small record (or shares one
/// with its family) in its folder under <c>Methods/</c>; the method's
/// <see cref="Methods.MethodDefinition"/> names the parser that builds it.
/// </summary>
public abstract record MethodParameters;
