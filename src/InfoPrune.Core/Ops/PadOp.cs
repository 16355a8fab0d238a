using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Pad, modes constant (default), reflect, edge, and wrap (opset 19+). Pads are laid out
/// [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; negative pads crop. Before opset 11 the pads
/// and the fill <c>value</c> are attributes; from 11 they are inputs (pads, optional
/// constant_value); from 18 an optional axes input says which axes the pads are for.
/// </summary>
/// <remarks>
/// Crops are applied first, then the padding, matching ONNX Runtime. Reflect, edge and wrap are
/// done by an index_select per padded axis rather than torch's pad modes, which only cover the
/// trailing 1–3 dims of 3-D to 5-D inputs; ONNX allows any axis of any rank.
/// </remarks>
public sealed class PadOp : IOpFamily, IChannelRule
{
    /// <summary>Padding that leaves the batch and channel axes alone passes channels through.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Pad" };
    public (long Min, long Max) Opsets => (2, 22);

    /// <summary>PyTorch puts a Pad before some AveragePools; its border values do not change which activation made the rest.</summary>
    public bool PreservesRange(OnnxNode node) => true;

    private enum Mode { Constant, Reflect, Edge, Wrap }

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var modeName = node.GetString("mode", "constant");
        Mode mode = Mode.Constant;
        switch (modeName)
        {
            case "constant": mode = Mode.Constant; break;
            case "reflect": mode = Mode.Reflect; break;
            case "edge": mode = Mode.Edge; break;
            case "wrap" when node.Opset >= 19: mode = Mode.Wrap; break;
            default: context.BadAttribute(node, $"mode '{modeName}' is not supported at opset {node.Opset}"); break;
        }

        long[]? attributePads = null;
        KnownInputs? padsInput = null, axesInput = null;
        double? knownValue = 0;
        if (node.Opset < 11)
        {
            attributePads = node.GetInts("pads")?.ToArray();
            if (attributePads == null) context.BadAttribute(node, "needs the pads attribute");
            knownValue = node.GetFloat("value", 0f);
        }
        else
        {
            padsInput = KnownInputs.Ints(node, 1, context);
            if (padsInput == null) context.BadAttribute(node, "needs the pads input");
            if (node.HasInput(2)) knownValue = KnownInputs.Constant(node, 2, context) is { } v ? v.Floats[0] : null;
            if (node.Opset >= 18) axesInput = KnownInputs.Ints(node, 3, context);
        }

        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var rank = x.dim();
            var pads = attributePads ?? padsInput!.Read(inputs);
            var axes = axesInput?.Read(inputs) is { } listed
                ? Axes.NormalizeAll(listed, rank, node)
                : Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
            if (pads.Length != 2 * axes.Length)
                throw Axes.Failure(node, $"has {pads.Length} pads for {axes.Length} axes (needs twice as many)");
            var begin = new long[rank];
            var end = new long[rank];
            for (var i = 0; i < axes.Length; i++)
            {
                begin[axes[i]] = pads[i];
                end[axes[i]] = pads[i + axes.Length];
            }
            var value = knownValue ?? RunContext.ToDouble(inputs[2]!);
            return new[] { Apply(x, begin, end, mode, value, node) };
        });
    }

    private static Tensor Apply(Tensor x, long[] begin, long[] end, Mode mode, double value, OnnxNode node)
    {
        using var scope = torch.NewDisposeScope();
        var result = x.alias();
        var shape = x.shape;
        for (var d = 0; d < shape.Length; d++)
        {
            var cropBegin = Math.Max(0, -begin[d]);
            var cropEnd = Math.Max(0, -end[d]);
            if (cropBegin == 0 && cropEnd == 0) continue;
            var length = shape[d] - cropBegin - cropEnd;
            if (length < 0) throw Axes.Failure(node, $"crops {cropBegin + cropEnd} from axis {d} of size {shape[d]}");
            result = result.narrow(d, cropBegin, length);
        }

        var grow = Enumerable.Range(0, shape.Length).Where(d => begin[d] > 0 || end[d] > 0).ToArray();
        if (mode == Mode.Constant)
        {
            if (grow.Length > 0)
            {
                // torch orders pad pairs from the last dim backwards.
                var torchPads = new long[2 * shape.Length];
                for (var d = 0; d < shape.Length; d++)
                {
                    torchPads[2 * (shape.Length - 1 - d)] = Math.Max(0, begin[d]);
                    torchPads[2 * (shape.Length - 1 - d) + 1] = Math.Max(0, end[d]);
                }
                result = F.pad(result, torchPads, PaddingModes.Constant, value);
            }
        }
        else
        {
            foreach (var d in grow)
            {
                var size = result.shape[d];
                if (size == 0) throw Axes.Failure(node, $"cannot pad empty axis {d} in {mode.ToString().ToLowerInvariant()} mode");
                var before = Math.Max(0, begin[d]);
                var after = Math.Max(0, end[d]);
                var source = new long[before + size + after];
                for (long i = 0; i < source.Length; i++) source[i] = SourceIndex(i - before, size, mode);
                result = result.index_select(d, torch.tensor(source, device: result.device));
            }
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Which input position an output position (relative to the input's start) copies.</summary>
    private static long SourceIndex(long i, long size, Mode mode)
    {
        switch (mode)
        {
            case Mode.Edge:
                return Math.Clamp(i, 0, size - 1);
            case Mode.Wrap:
                return ((i % size) + size) % size;
            default:
                // Reflect about the first and last elements (numpy's "reflect"); the pattern repeats
                // every 2(size - 1), which also covers pads longer than the axis.
                if (size == 1) return 0;
                var period = 2 * (size - 1);
                var folded = ((i % period) + period) % period;
                return folded < size ? folded : period - folded;
        }
    }
}
