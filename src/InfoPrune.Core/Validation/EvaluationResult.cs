namespace InfoPrune.Core.Validation;

/// <summary>Top-1 accuracy of a model over a dataset.</summary>
/// <param name="Correct">Samples whose highest logit is at the label's index.</param>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Elapsed">Wall time of the batches (model loading excluded).</param>
public sealed record EvaluationResult(long Correct, long Count, TimeSpan Elapsed)
{
    /// <summary>Fraction correct in [0, 1]; 0 for an empty dataset.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
