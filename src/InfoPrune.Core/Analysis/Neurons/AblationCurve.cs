namespace InfoPrune.Core.Analysis.Neurons;

/// <summary>One point of an ablation curve: k units of the layer ablated, and the accuracy after.</summary>
/// <param name="Ablated">Units ablated (k).</param>
/// <param name="Fraction">k / layer size.</param>
/// <param name="Accuracy">Top-1 accuracy on the evaluation samples with those units ablated.</param>
public sealed record AblationPoint(int Ablated, double Fraction, double Accuracy);

/// <summary>
/// Accuracy as the units of one layer are ablated cumulatively in one order, either to zero
/// (nothing downstream changes) or to their mean (bias balancing, the paper's eq. 7).
/// </summary>
/// <param name="GroupId">The layer's channel group.</param>
/// <param name="Ordering">The ordering's name (<see cref="AblationOrdering.Name"/>).</param>
/// <param name="Balanced">True when ablated units were replaced by their mean activation.</param>
/// <param name="Points">From 0 ablated to every unit ablated.</param>
public sealed record AblationCurve(int GroupId, string Ordering, bool Balanced, IReadOnlyList<AblationPoint> Points)
{
    /// <summary>
    /// The curve's area as the mean accuracy over its points (points are evenly spaced, so this
    /// ranks curves like the area does, in accuracy units).
    /// </summary>
    public double MeanAccuracy => MeanAccuracyUpTo(1.0);

    /// <summary>
    /// Mean accuracy over the points with at most <paramref name="fraction"/> of the layer ablated:
    /// the range pruning works in, where a layer still functions (past it every curve collapses
    /// towards the constant-output accuracy, and that collapse dominates the whole-curve area).
    /// </summary>
    public double MeanAccuracyUpTo(double fraction)
    {
        var points = Points.Where(p => p.Fraction <= fraction + 1e-9).ToArray();
        return points.Length == 0 ? double.NaN : points.Average(p => p.Accuracy);
    }
}
