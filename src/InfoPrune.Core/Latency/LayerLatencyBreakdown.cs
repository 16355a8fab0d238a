using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace InfoPrune.Core.Latency;

/// <summary>One row of the per-layer latency table: a layer (with the element-wise ops ONNX Runtime fuses into it) or another op.</summary>
/// <param name="Name">The layer's node name; ops ONNX Runtime adds itself (layout reorders) are named "(ONNX Runtime op)".</param>
/// <param name="OriginalMs">Kernel time per run in the original model, in milliseconds (0 when absent).</param>
/// <param name="PrunedMs">Kernel time per run in the pruned model.</param>
/// <param name="OriginalShare">Fraction of the original's total kernel time.</param>
/// <param name="PrunedShare">Fraction of the pruned model's total kernel time.</param>
public sealed record LayerLatency(string Name, double OriginalMs, double PrunedMs, double OriginalShare, double PrunedShare);

/// <summary>
/// Where the time goes, layer by layer: ONNX Runtime's own profiler records every kernel it runs;
/// each kernel is attributed to the model's node it came from (by node name, or by the output it
/// writes when ONNX Runtime renamed a fused node), and a node to its layer — the nearest node
/// upstream that has weights, through element-wise ops such as BatchNormalization and
/// activations, which ONNX Runtime fuses into the layer. Other ops keep their own row.
/// </summary>
public static class LayerLatencyBreakdown
{
    /// <summary>Profiled runs per model (after two unprofiled-in-effect warm-up runs).</summary>
    internal const int ProfiledRuns = 10;
    private const int WarmupRuns = 2;

    public static IReadOnlyList<LayerLatency> Measure(DependencyGraph graph, byte[] original, byte[] pruned, string inputName,
        IReadOnlyList<long> sampleShape, int batch, int threads)
    {
        var attribution = new Attribution(graph);
        var before = Profile(original, inputName, sampleShape, batch, threads, attribution);
        var after = Profile(pruned, inputName, sampleShape, batch, threads, attribution);
        var totalBefore = before.Values.Sum();
        var totalAfter = after.Values.Sum();
        return attribution.Order(before.Keys.Union(after.Keys))
            .Select(name => new LayerLatency(name,
                before.GetValueOrDefault(name), after.GetValueOrDefault(name),
                totalBefore > 0 ? before.GetValueOrDefault(name) / totalBefore : 0,
                totalAfter > 0 ? after.GetValueOrDefault(name) / totalAfter : 0))
            .ToList();
    }

    /// <summary>Kernel milliseconds per run, by row name.</summary>
    private static Dictionary<string, double> Profile(byte[] model, string inputName, IReadOnlyList<long> sampleShape, int batch, int threads, Attribution attribution)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"infoprune-profile-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string file;
            var shape = new[] { (long)batch }.Concat(sampleShape).ToArray();
            using (var session = new TimedSession(model, new[] { (inputName, shape) }, threads, Path.Combine(folder, "profile")))
            {
                for (var i = 0; i < WarmupRuns + ProfiledRuns; i++) session.RunMilliseconds();
                file = session.EndProfiling();
            }
            if (!Path.IsPathRooted(file)) file = Path.Combine(Environment.CurrentDirectory, file);
            return Read(file, attribution);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Kernel time per row and run, then the median over the profiled runs (the warm-up runs' events
    /// are left out): a run the machine interrupted does not inflate one layer's share.
    /// </summary>
    private static Dictionary<string, double> Read(string file, Attribution attribution)
    {
        JArray events;
        try
        {
            events = JArray.Parse(File.ReadAllText(file));
        }
        catch (JsonException)
        {
            return new Dictionary<string, double>();
        }
        finally
        {
            try { File.Delete(file); } catch (IOException) { }
        }
        var runs = events.OfType<JObject>()
            .Where(e => (string?)e["cat"] == "Session" && (string?)e["name"] == "model_run")
            .Select(e => (Start: (long)e["ts"]!, End: (long)e["ts"]! + (long)e["dur"]!))
            .OrderBy(r => r.Start).Skip(WarmupRuns).ToList();
        if (runs.Count == 0) return new Dictionary<string, double>();
        var perRun = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var e in events.OfType<JObject>())
        {
            if ((string?)e["cat"] != "Node" || (string?)e["name"] is not { } name || !name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            var start = (long)e["ts"]!;
            var run = runs.FindIndex(r => start >= r.Start && start <= r.End);
            if (run < 0) continue;
            var row = attribution.RowOf(name[..^"_kernel_time".Length], (string?)e["args"]?["op_name"] ?? "?");
            if (!perRun.TryGetValue(row, out var times)) perRun[row] = times = new double[runs.Count];
            times[run] += (long)e["dur"]! / 1000.0;
        }
        return perRun.ToDictionary(kv => kv.Key, kv => LatencyStatistics.Of(kv.Value).Median, StringComparer.Ordinal);
    }

    /// <summary>Maps ONNX Runtime's node names back to the model's layers.</summary>
    private sealed class Attribution
    {
        private readonly OnnxGraph _graph;
        private readonly IReadOnlyDictionary<string, long[]> _shapes;
        private readonly HashSet<OnnxNode> _layers;
        private readonly Dictionary<string, OnnxNode> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxNode> _byOutput = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _order = new(StringComparer.Ordinal);

        public Attribution(DependencyGraph graph)
        {
            _graph = graph.Model.Graph;
            _shapes = graph.Shapes;
            _layers = graph.Trace.Where(t => t.Macs > 0).Select(t => t.Node).ToHashSet();
            foreach (var node in _graph.Nodes)
            {
                if (node.Name.Length > 0) _byName.TryAdd(node.Name, node);
                foreach (var output in node.Outputs.Where(o => o.Length > 0)) _byOutput.TryAdd(output, node);
            }
            // Layers first in graph order, then other nodes in graph order; rows ONNX Runtime adds come last.
            foreach (var node in _graph.Nodes.Where(_layers.Contains).Concat(_graph.Nodes.Where(n => !_layers.Contains(n))))
                _order.TryAdd(node.DisplayName, _order.Count);
        }

        public string RowOf(string ortName, string ortOp)
        {
            var node = Find(ortName);
            return node == null ? $"(ONNX Runtime {ortOp})" : LayerOf(node).DisplayName;
        }

        public IEnumerable<string> Order(IEnumerable<string> rows) =>
            rows.OrderBy(r => _order.TryGetValue(r, out var i) ? i : int.MaxValue).ThenBy(r => r, StringComparer.Ordinal);

        /// <summary>The model's node behind an ONNX Runtime node: same name, or (fused and renamed) named after the output it writes.</summary>
        private OnnxNode? Find(string ortName)
        {
            // ONNX Runtime names a fused node "fused <original>" (Gemm with its activation).
            var space = ortName.IndexOf(' ');
            foreach (var candidate in space > 0 ? [ortName, ortName[(space + 1)..]] : new[] { ortName })
            {
                for (var name = candidate; name.Length > 0;)
                {
                    if (_byName.TryGetValue(name, out var node) || _byOutput.TryGetValue(name, out node)) return node;
                    // Rewritten nodes are named "<original>_<suffix>" (e.g. "_nchwc"); drop one suffix and retry.
                    var cut = name.LastIndexOf('_');
                    name = cut > 0 ? name[..cut] : "";
                }
            }
            return null;
        }

        /// <summary>The layer a node's time belongs to: itself if it has weights, else the layer it is an element-wise tail of.</summary>
        private OnnxNode LayerOf(OnnxNode node)
        {
            var current = node;
            for (var steps = 0; steps < 16 && !_layers.Contains(current); steps++)
            {
                // Constants (initializers, Constant nodes such as Clip's bounds) are not data.
                var data = current.Inputs.Where(i => i.Length > 0 && !_graph.Initializers.ContainsKey(i)
                                                     && _graph.Producer(i) is not { Inputs.Count: 0 }).ToList();
                if (data.Count != 1 || current.Outputs.Count == 0 || !SameShape(data[0], current.Outputs[0])) return node;
                if (_graph.Producer(data[0]) is not { } producer) return node;
                current = producer;
            }
            return _layers.Contains(current) ? current : node;
        }

        private bool SameShape(string a, string b) =>
            _shapes.TryGetValue(a, out var x) && _shapes.TryGetValue(b, out var y) && x.SequenceEqual(y);
    }
}
