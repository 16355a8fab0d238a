using System.Diagnostics;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>One layer (channel group) as the walk found it.</summary>
/// <param name="GroupId">The channel group.</param>
/// <param name="Name">Its name.</param>
/// <param name="Visit">1-based position in the visiting order.</param>
/// <param name="ConditionedOn">Names of the layers whose chosen channels formed Z (empty: none).</param>
/// <param name="Sigma">The RBF width its Grams used.</param>
/// <param name="Ordering">Its channels in CMI order, with each one's increment.</param>
/// <param name="Cutoff">Channels the cutoff keeps (before constraints and budgets).</param>
public sealed record CmiLayer(int GroupId, string Name, int Visit, IReadOnlyList<string> ConditionedOn, double Sigma, CmiOrdering Ordering, int Cutoff);

/// <summary>What a layer walk needs of one layer: its maps over the N samples.</summary>
/// <param name="GroupId">The channel group.</param>
/// <param name="Name">Its name.</param>
/// <param name="Channels">C.</param>
/// <param name="Entries">Entries per channel and sample.</param>
/// <param name="Maps">[samples × channels × entries].</param>
public sealed record CmiLayerInput(int GroupId, string Name, int Channels, int Entries, ReadOnlyMemory<float> Maps);

/// <summary>
/// Visits the layers in the chosen order and orders each one's channels by CMI, conditioned on the
/// layers visited before it on its way (the CMI paper's Algorithm 1, and Section 5.2 for the
/// bidirectional order). Layers are given in network order. Grams are built for one layer at a
/// time; what stays between layers is one N×N product per layer (its chosen channels).
/// </summary>
public sealed class CmiLayerWalk
{
    private readonly CmiParameters _parameters;
    private readonly int[] _labels;
    private readonly int _samples;
    private readonly int _threads;
    private readonly IProgress<string>? _progress;
    private readonly CancellationToken _cancellation;

    public CmiLayerWalk(CmiParameters parameters, int[] labels, int threads = 1, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        _parameters = parameters;
        _labels = labels;
        _samples = labels.Length;
        _threads = threads;
        _progress = progress;
        _cancellation = cancellation;
    }

    /// <summary>The name of the layer the walk started from.</summary>
    public string? Start { get; private set; }

    /// <summary>Seconds spent building Grams and ordering channels.</summary>
    public double Seconds { get; private set; }

    /// <summary>The layers in visiting order.</summary>
    public IReadOnlyList<CmiLayer> Walk(IReadOnlyList<CmiLayerInput> layers)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<CmiLayer>();
        if (layers.Count == 0) return results;
        var chosen = new double[layers.Count][];
        int start;
        if (_parameters.Order == CmiLayerOrder.Forward) start = 0;
        else
        {
            // The paper starts from the layer with the highest pruning percentage: each layer's
            // cutoff on its own (no conditioning) says how much of it could go.
            var alone = new CmiLayer[layers.Count];
            for (var l = 0; l < layers.Count; l++)
            {
                _progress?.Report($"cmi: layer {l + 1} of {layers.Count} on its own ({layers[l].Name}), to choose where to start");
                (alone[l], chosen[l]) = Visit(layers[l], 0, null, Array.Empty<string>());
            }
            start = Enumerable.Range(0, layers.Count)
                .OrderByDescending(l => 1 - (double)alone[l].Cutoff / layers[l].Channels).ThenBy(l => l).First();
            results.Add(alone[start] with { Visit = 1 });
        }
        Start = layers[start].Name;
        if (_parameters.Order == CmiLayerOrder.Forward)
        {
            (var first, chosen[0]) = Visit(layers[0], 1, null, Array.Empty<string>());
            results.Add(first);
        }
        // Forward from the start, then (bidirectional) backward from it: each chain conditions on its own past.
        foreach (var direction in _parameters.Order == CmiLayerOrder.Forward ? new[] { 1 } : new[] { 1, -1 })
        {
            double[]? path = _parameters.Conditioning == CmiConditioning.Full ? chosen[start] : null;
            var pathNames = new List<string> { layers[start].Name };
            for (var l = start + direction; l >= 0 && l < layers.Count; l += direction)
            {
                var previous = l - direction;
                var (condition, names) = _parameters.Conditioning == CmiConditioning.Compact
                    ? (chosen[previous], new[] { layers[previous].Name })
                    : (path!, pathNames.ToArray());
                _progress?.Report($"cmi: layer {results.Count + 1} of {layers.Count} ({layers[l].Name})");
                (var layer, chosen[l]) = Visit(layers[l], results.Count + 1, condition, names);
                results.Add(layer);
                if (_parameters.Conditioning == CmiConditioning.Full)
                {
                    path = Multiply(path!, chosen[l]);
                    pathNames.Add(layers[l].Name);
                }
            }
        }
        Seconds = clock.Elapsed.TotalSeconds;
        return results;
    }

    /// <summary>Orders one layer and cuts it; returns it with the product of its chosen channels' Grams.</summary>
    private (CmiLayer Layer, double[] Chosen) Visit(CmiLayerInput input, int visit, double[]? condition, IReadOnlyList<string> conditionedOn)
    {
        _cancellation.ThrowIfCancellationRequested();
        var grams = LayerGrams.Build(input.Maps.Span, _samples, input.Channels, input.Entries, _parameters.KernelWidth);
        var ordering = CmiOrdering.Compute(grams.Channels, _samples, _labels, condition, _parameters.Alpha, _threads, _cancellation);
        var cutoff = _parameters.Cutoff == CmiCutoff.Scree
            ? CmiCutoffs.Scree(ordering.Cumulative())
            : CmiCutoffs.XMeans(ordering.Increments);
        return (new CmiLayer(input.GroupId, input.Name, visit, conditionedOn, grams.Sigma, ordering, cutoff), grams.Product(ordering.Order.Take(cutoff)));
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var product = new double[a.Length];
        for (var i = 0; i < a.Length; i++) product[i] = a[i] * b[i];
        return product;
    }
}
