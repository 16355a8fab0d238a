using InfoPrune.Core.Graph;

namespace InfoPrune.Core.Methods.Baselines;

/// <summary>Baseline: seeded random scores, the floor every real criterion must beat.</summary>
public sealed class RandomMethod : IImportanceMethod
{
    internal static MethodDefinition Definition { get; } = new("random", MagnitudeMethod.Schema, NoParameters.Parse, _ => new RandomMethod());

    public string Name => "random";
    public bool RanksAcrossLayers => true;

    public IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context)
    {
        var random = new Random(context.Seed);
        return graph.PrunableGroups.ToDictionary(g => g.Id, g => Enumerable.Range(0, g.Size).Select(_ => random.NextDouble()).ToArray());
    }
}
