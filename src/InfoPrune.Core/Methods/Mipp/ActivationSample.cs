using InfoPrune.Core.Graph;
using InfoPrune.Core.Information;
using InfoPrune.Core.Measurement;
using static TorchSharp.torch;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>
/// The first <see cref="Capacity"/> calibration samples of every channel group's units (each conv
/// map collapsed to one number per channel) and of the model's first output: what MIPP's
/// predictors are fitted on. Memory is groups × units × capacity floats, whatever the data size.
/// </summary>
internal sealed class ActivationSample : IBatchAccumulator
{
    private readonly Dictionary<int, UnitProbe> _probes;
    private readonly Dictionary<int, int> _sizes;
    private readonly Dictionary<int, float[]> _rows = new();
    private readonly string _output;
    private readonly ChannelCollapseMode _collapse;
    private float[]? _outputRows;

    public ActivationSample(DependencyGraph graph, ChannelCollapseMode collapse, int capacity)
    {
        // Frozen groups are sampled too: they are the targets of the layers that feed them.
        _probes = graph.Groups
            .Select(g => UnitProbeFinder.For(graph, g)).OfType<UnitProbe>().ToDictionary(p => p.GroupId);
        _sizes = _probes.Keys.ToDictionary(id => id, id => graph.Groups[id].Size);
        _output = graph.Model.Graph.Outputs[0].Name;
        _collapse = collapse;
        Capacity = capacity;
        Values = _probes.Values.Select(p => p.Value).Append(_output).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Most samples kept.</summary>
    public int Capacity { get; }

    /// <summary>Samples kept so far.</summary>
    public int Count { get; private set; }

    /// <summary>Width of the model output (logits) per sample.</summary>
    public int OutputWidth { get; private set; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> Values { get; }

    /// <summary>The groups sampled.</summary>
    public IReadOnlyCollection<int> Groups => _probes.Keys;

    /// <inheritdoc />
    public void Add(IReadOnlyDictionary<string, Tensor> captured, IReadOnlyList<int> labels)
    {
        var take = Math.Min(labels.Count, Capacity - Count);
        if (take <= 0) return;
        using var scope = NewDisposeScope();
        foreach (var (id, probe) in _probes)
        {
            var size = _sizes[id];
            var rows = _rows.TryGetValue(id, out var existing) ? existing : _rows[id] = new float[Capacity * size];
            var collapsed = CalibrationPass.Collapse(captured[probe.Value].narrow(0, 0, take), probe, size, _collapse);
            Array.Copy(collapsed, 0, rows, Count * size, collapsed.Length);
        }
        var output = captured[_output].narrow(0, 0, take).reshape(take, -1);
        OutputWidth = (int)output.shape[1];
        _outputRows ??= new float[Capacity * OutputWidth];
        var values = output.contiguous().cpu().data<float>().ToArray();
        Array.Copy(values, 0, _outputRows, Count * OutputWidth, values.Length);
        Count += take;
    }

    /// <summary>Group <paramref name="groupId"/>'s units, [Count × size] row-major, or null when it has no readable value.</summary>
    public float[]? Units(int groupId) =>
        _rows.TryGetValue(groupId, out var rows) ? rows.AsSpan(0, Count * _sizes[groupId]).ToArray() : null;

    /// <summary>The model output, [Count × OutputWidth] row-major.</summary>
    public float[] Output() => _outputRows is null ? Array.Empty<float>() : _outputRows.AsSpan(0, Count * OutputWidth).ToArray();
}
