using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Shape: the input's dims as a 1-D int64 tensor on the CPU (it only ever feeds shape
/// arithmetic, which is read back to the host anyway). Opset 15 adds <c>start</c>/<c>end</c>,
/// which slice the dim list (negative counts from the back; out of range is clamped).
/// </summary>
public sealed class ShapeOfOp : IOpFamily, IChannelRule
{
    /// <summary>Reading a shape does not depend on which channels exist; the result is not a channel tensor.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) { }

    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Shape" };
    public (long Min, long Max) Opsets => (1, 22);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var start = node.Opset >= 15 ? node.GetInt("start", 0) : 0;
        long? end = node.Opset >= 15 && node.Attributes.ContainsKey("end") ? node.GetInt("end", 0) : null;
        return LambdaKernel.Unary(x =>
        {
            var shape = x.shape;
            long Clamp(long i) => Math.Clamp(i < 0 ? i + shape.Length : i, 0, shape.Length);
            var from = Clamp(start);
            var to = Clamp(end ?? shape.Length);
            var dims = to > from ? shape[(int)from..(int)to] : Array.Empty<long>();
            return torch.tensor(dims, new long[] { dims.Length }, dtype: ScalarType.Int64);
        });
    }
}
