using InfoPrune.Core.Graph;

namespace InfoPrune.Core.Methods.Baselines;

/// <summary>
/// Baseline: a channel's importance is the L1 (or L2) norm of every parameter slice it owns in its
/// group — producer filters, per-channel parameters and the consumer weights reading it.
/// </summary>
public sealed class MagnitudeMethod : IImportanceMethod
{
    private readonly bool _squared;

    private MagnitudeMethod(string name, bool squared) { Name = name; _squared = squared; }

    public static MagnitudeMethod L1 { get; } = new("l1", false);
    public static MagnitudeMethod L2 { get; } = new("l2", true);

    internal static MethodDefinition L1Definition { get; } = new("l1", Schema, NoParameters.Parse, _ => L1);
    internal static MethodDefinition L2Definition { get; } = new("l2", Schema, NoParameters.Parse, _ => L2);

    /// <summary>The baselines' schema fragment (l1, l2, random).</summary>
    internal const string Schema = "Methods/Baselines/baselines.schema.json";

    public string Name { get; }
    public bool RanksAcrossLayers => true;

    public IReadOnlyDictionary<int, double[]> Score(DependencyGraph graph, MethodContext context)
    {
        var result = new Dictionary<int, double[]>();
        foreach (var group in graph.PrunableGroups)
        {
            var scores = new double[group.Size];
            foreach (var member in group.Members)
            {
                var tensor = graph.Model.Graph.Initializers[member.Initializer];
                var values = tensor.Floats;
                for (var flat = 0; flat < values.Length; flat++)
                {
                    var channel = member.ChannelOf(flat, tensor.Shape, group.Size);
                    if (channel < 0) continue;
                    var v = values[flat];
                    scores[channel] += _squared ? (double)v * v : Math.Abs(v);
                }
            }
            if (_squared) for (var i = 0; i < scores.Length; i++) scores[i] = Math.Sqrt(scores[i]);
            result[group.Id] = scores;
        }
        return result;
    }
}
