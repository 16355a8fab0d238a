namespace InfoPrune.Core.Tests.Training;

/// <summary>
/// Tests that need libtorch's process-wide random generator to themselves: Dropout draws its masks
/// from it, so another test class drawing random numbers on a parallel thread would change them.
/// xunit runs a collection without parallelization after the parallel ones, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "libtorch global generator";
}
