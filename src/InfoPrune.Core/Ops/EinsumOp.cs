using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>Einsum (opset 12+): torch's einsum with the same equation language (whitespace removed).</summary>
public sealed class EinsumOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Einsum" };
    public (long Min, long Max) Opsets => (12, 22);

    /// <summary>An equation can contract or permute any axis: the channels it reads are frozen.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) =>
        flow.FreezeInputs(node, $"'{node.DisplayName}' (Einsum) may contract or move the channel axis");

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var equation = new string(node.GetString("equation", "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (equation.Length == 0) context.BadAttribute(node, "needs the equation attribute");
        return new LambdaKernel((inputs, _) => new[] { torch.einsum(equation, inputs.Select(t => t!).ToArray()) });
    }

    /// <summary>
    /// One multiply-accumulate per point of the joint index space: the product of the sizes of
    /// every distinct label (and of the ellipsis dims, once).
    /// </summary>
    public long Macs(OnnxNode node, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        var equation = new string(node.GetString("equation", "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        var terms = equation.Split("->")[0].Split(',');
        var sizes = new Dictionary<char, long>();
        long ellipsis = 1;
        for (var t = 0; t < terms.Length && t < inputShapes.Count; t++)
        {
            var term = terms[t];
            var shape = inputShapes[t];
            var dots = term.IndexOf("...", StringComparison.Ordinal);
            var labels = term.Replace("...", "");
            var covered = shape.Length - labels.Length;
            for (var i = 0; i < labels.Length; i++)
            {
                var position = dots >= 0 && i >= dots ? i + covered : i;
                if (position < shape.Length) sizes[labels[i]] = Math.Max(sizes.GetValueOrDefault(labels[i], 1), shape[position]);
            }
            if (dots >= 0 && covered > 0) ellipsis = Math.Max(ellipsis, ShapeMath.Product(shape[dots..(dots + covered)]));
        }
        return sizes.Values.Aggregate(ellipsis, (a, b) => a * b);
    }
}
