using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Pruning;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Tests.Support;

/// <summary>Checks surgery against its definition: pruning = zeroing what the removed channels feed.</summary>
public static class PruningAssert
{
    /// <summary>
    /// The original model with every consumer slice of every removed channel set to zero: by
    /// construction it computes what the pruned model computes.
    /// </summary>
    public static OnnxModel ZeroRemovedChannels(DependencyGraph graph, PruningPlan plan)
    {
        var zeroed = new Dictionary<string, float[]>();
        foreach (var group in graph.Groups)
        {
            var kept = plan.KeptIndices(group).ToHashSet();
            foreach (var member in group.Members.Where(m => m.Role == MemberRole.Consumer))
            {
                var tensor = graph.Model.Graph.Initializers[member.Initializer];
                var values = zeroed.TryGetValue(member.Initializer, out var v) ? v : tensor.ToFloatArray();
                for (long flat = 0; flat < values.Length; flat++)
                {
                    var channel = member.ChannelOf(flat, tensor.Shape, group.Size);
                    if (channel >= 0 && !kept.Contains(channel)) values[flat] = 0;
                }
                zeroed[member.Initializer] = values;
            }
        }
        return graph.Model.Rewrite(proto =>
        {
            var list = proto.Graph.Initializer;
            for (var i = 0; i < list.Count; i++)
                if (zeroed.TryGetValue(list[i].Name, out var values))
                    list[i] = OnnxTensor.FromFloats(list[i].Name, list[i].Dims.ToArray(), values).ToProto(list[i]);
        });
    }

    /// <summary>Largest |a − b| of two models' ORT outputs on the same seeded input.</summary>
    public static double OrtDifference(OnnxModel a, OnnxModel b, long[] inputShape, int seed = 5)
    {
        var random = new Random(seed);
        var input = Enumerable.Range(0, (int)ShapeMath.Product(inputShape)).Select(_ => (float)random.NextDouble()).ToArray();
        using var ra = new OrtModelRunner(a.ToBytes());
        using var rb = new OrtModelRunner(b.ToBytes());
        var (ya, sa) = ra.Run(input, inputShape);
        var (yb, sb) = rb.Run(input, inputShape);
        Assert.Equal(sa, sb);
        return ya.Zip(yb).Max(p => Math.Abs(p.First - p.Second));
    }

    /// <summary>Removes every other channel of every prunable group (keeping at least one).</summary>
    public static PruningPlan EveryOtherChannel(DependencyGraph graph) => new(graph.PrunableGroups.Select(g =>
        new GroupDecision(g.Id, Enumerable.Range(0, g.Size).Where(i => i % 2 == 0).ToArray(), "test: every other channel")));
}
