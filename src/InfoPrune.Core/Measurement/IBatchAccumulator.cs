using static TorchSharp.torch;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// Something a method gathers from the one streamed calibration pass besides the joint counts:
/// Gram matrices of channel maps, a bounded sample of activations for fitting predictors, … The
/// pass runs the model once per batch (eval mode, no gradients), captures every value any
/// accumulator asks for, and hands each accumulator its values with the batch's labels.
/// </summary>
/// <remarks>
/// The captured tensors live in the batch's DisposeScope: copy out (to managed arrays, or detach
/// from the scope) whatever is kept. Memory is the accumulator's to bound, by the calibration
/// sample count it is given, never by the size of the data set.
/// </remarks>
public interface IBatchAccumulator
{
    /// <summary>The graph values (names as in the model) this accumulator reads from every batch.</summary>
    IReadOnlyCollection<string> Values { get; }

    /// <summary>
    /// True once the accumulator wants no more batches (e.g. it keeps the first N samples and has
    /// them). The pass stops early when every accumulator is complete.
    /// </summary>
    bool IsComplete => false;

    /// <summary>Adds one batch: <paramref name="captured"/> holds every value of <see cref="Values"/>, with the batch on axis 0.</summary>
    void Add(IReadOnlyDictionary<string, Tensor> captured, IReadOnlyList<int> labels);
}
