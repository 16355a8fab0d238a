using InfoPrune.Core.Graph;
using InfoPrune.Core.Measurement;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// Keeps the first N calibration samples of every prunable group's channel maps (the value its
/// consumer reads, as the calibration pass probes it), with their labels, for the Gram matrices.
/// Memory is N × Σ (channels × entries per channel) floats, bounded by N whatever the data set's
/// size: Gram matrices need every pair of the N samples, so the maps are kept rather than Grams
/// built batch by batch, and each layer's N×N Grams are built, used and dropped one layer at a time.
/// </summary>
internal sealed class CmiSampleAccumulator : IBatchAccumulator
{
    private readonly Dictionary<int, UnitProbe> _probes;
    private readonly Dictionary<int, int> _channels;
    private readonly Dictionary<int, float[]> _maps = new();
    private readonly Dictionary<int, int> _entries = new();
    private readonly int[] _labels;

    public CmiSampleAccumulator(DependencyGraph graph, int samples)
    {
        Capacity = samples;
        _probes = UnitProbeFinder.ForPrunableGroups(graph).ToDictionary(p => p.Key, p => p.Value);
        _channels = _probes.ToDictionary(p => p.Key, p => graph.Groups[p.Key].Size);
        _labels = new int[samples];
        Values = _probes.Values.Select(p => p.Value).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>N, the most samples kept.</summary>
    public int Capacity { get; }

    /// <summary>Samples kept so far (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    public IReadOnlyCollection<string> Values { get; }

    /// <summary>True once N samples are kept: the pass may stop.</summary>
    public bool IsComplete => Count >= Capacity;

    /// <summary>The groups whose maps are kept.</summary>
    public IReadOnlyCollection<int> Groups => _probes.Keys;

    /// <summary>Labels of the kept samples.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Count);

    /// <summary>Bytes held by the kept maps (the cost the report states).</summary>
    public long Bytes => _maps.Values.Sum(m => (long)m.Length * sizeof(float));

    /// <summary>Entries per channel and sample of <paramref name="groupId"/> (H·W, or the flattened block).</summary>
    public int EntriesPerChannel(int groupId) => _entries[groupId];

    /// <summary>The kept maps of <paramref name="groupId"/>, laid out [samples × channels × entries].</summary>
    public ReadOnlyMemory<float> Maps(int groupId) => _maps.TryGetValue(groupId, out var maps)
        ? maps.AsMemory(0, Count * _channels[groupId] * _entries[groupId]) : ReadOnlyMemory<float>.Empty;

    public void Add(IReadOnlyDictionary<string, Tensor> captured, IReadOnlyList<int> labels)
    {
        if (Count >= Capacity) return;
        var take = Math.Min(Capacity - Count, labels.Count);
        foreach (var (groupId, probe) in _probes)
        {
            using var scope = NewDisposeScope();
            var value = captured[probe.Value];
            var n = value.shape[0];
            var flat = value.reshape(n, -1);
            var trailing = flat.shape[1] / probe.Width;
            var channels = _channels[groupId];
            var perChannel = checked((int)(probe.Block * trailing));
            var slice = flat.narrow(1, probe.EntryOffset * trailing, channels * perChannel).narrow(0, 0, take)
                .to_type(ScalarType.Float32).contiguous().cpu();
            if (!_maps.TryGetValue(groupId, out var maps))
            {
                _entries[groupId] = perChannel;
                maps = new float[checked((long)Capacity * channels * perChannel)];
                _maps[groupId] = maps;
            }
            slice.data<float>().ToArray().CopyTo(maps.AsSpan(Count * channels * perChannel, take * channels * perChannel));
        }
        for (var i = 0; i < take; i++) _labels[Count + i] = labels[i];
        Count += take;
    }
}
