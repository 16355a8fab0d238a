namespace InfoPrune.Core.Validation;

/// <summary>
/// A labelled dataset that can be read in batches, already preprocessed into the model's input
/// layout. Implemented by the dataset readers; the evaluator only streams it, so memory stays
/// bounded by one batch.
/// </summary>
public interface IBatchSource
{
    /// <summary>
    /// The samples in a fixed order, in batches of <paramref name="batchSize"/> (the last may be
    /// smaller). Each call starts again from the first sample.
    /// </summary>
    IEnumerable<LabeledBatch> ReadBatches(int batchSize);
}
