using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>
/// GELU as exporters write it before opset 20, which has no Gelu op: x · ½ · (1 + erf(x / √2)),
/// spread over Div, Erf, Add and Mul nodes. The activation is recognised at the formula's outer
/// Mul, so the unit values read after it split at 0 like a ReLU's.
/// </summary>
internal static class ExportedGelu
{
    /// <summary>The activation the pattern applies: GELU is 0 at 0 and changes regime there, like ReLU.</summary>
    public static readonly ActivationTraits Traits = new("Gelu", 0f);

    /// <summary>How many Mul/Add/Div steps above the outer Mul the Erf may sit.</summary>
    private const int Depth = 4;

    /// <summary>
    /// True when <paramref name="mul"/> (a Mul) has an Erf among the Mul/Add/Div nodes a few steps
    /// above it; nothing else in a classifier puts Erf there.
    /// </summary>
    public static bool EndsAt(OnnxGraph graph, OnnxNode mul)
    {
        if (mul.OpType != "Mul") return false;
        var frontier = new List<OnnxNode> { mul };
        for (var depth = 0; depth < Depth && frontier.Count > 0; depth++)
        {
            var next = new List<OnnxNode>();
            foreach (var input in frontier.SelectMany(n => n.Inputs))
            {
                var producer = graph.Producer(input);
                if (producer == null) continue;
                if (producer.OpType == "Erf") return true;
                if (producer.OpType is "Mul" or "Add" or "Div") next.Add(producer);
            }
            frontier = next;
        }
        return false;
    }
}
