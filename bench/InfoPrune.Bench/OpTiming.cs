using System.Diagnostics;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using static TorchSharp.torch;

namespace InfoPrune.Bench;

/// <summary>
/// Wraps every op family so each kernel run is timed, by op type: a forward-pass profile without
/// touching the engine. CPU kernels run synchronously, so wall time around a call is its cost.
/// </summary>
internal sealed class OpTiming
{
    private readonly Dictionary<string, (double Ms, long Calls)> _byOp = new(StringComparer.Ordinal);

    public OpRegistry Wrap(OpRegistry inner, IEnumerable<OnnxNode> nodes)
    {
        var registry = new OpRegistry();
        foreach (var family in nodes.Select(inner.Find).Where(f => f != null).Distinct())
            registry.Add(new Timed(family!, this));
        return registry;
    }

    public void Reset() => _byOp.Clear();

    public IReadOnlyDictionary<string, double> MillisecondsPerStep(int steps) =>
        _byOp.OrderByDescending(kv => kv.Value.Ms).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value.Ms / steps, 3));

    private void Add(string op, double ms)
    {
        var (total, calls) = _byOp.GetValueOrDefault(op);
        _byOp[op] = (total + ms, calls + 1);
    }

    private sealed class Timed : IOpFamily
    {
        private readonly IOpFamily _inner;
        private readonly OpTiming _timing;
        public Timed(IOpFamily inner, OpTiming timing) { _inner = inner; _timing = timing; }
        public IReadOnlyCollection<string> OpTypes => _inner.OpTypes;
        public string Domain => _inner.Domain;
        public (long Min, long Max) Opsets => _inner.Opsets;
        public IReadOnlyCollection<int> TrainableInputs(OnnxNode node) => _inner.TrainableInputs(node);
        public IReadOnlyCollection<int> StateInputs(OnnxNode node) => _inner.StateInputs(node);
        public long Macs(OnnxNode node, IReadOnlyList<long[]> i, IReadOnlyList<long[]> o) => _inner.Macs(node, i, o);

        public INodeKernel Compile(OnnxNode node, CompileContext context)
        {
            var kernel = _inner.Compile(node, context);
            return new LambdaKernel((inputs, run) =>
            {
                var watch = Stopwatch.StartNew();
                var result = kernel.Run(inputs, run);
                _timing.Add(node.OpType, watch.Elapsed.TotalMilliseconds);
                return result;
            });
        }
    }
}
