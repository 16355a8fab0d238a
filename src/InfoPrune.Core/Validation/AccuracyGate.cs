using System.Globalization;
using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Validation;

/// <summary>The verdict of the accuracy gate.</summary>
public sealed record GateVerdict(bool Passed, double AccuracyBefore, double AccuracyAfter, double? MinAccuracy, double MaxDrop, IReadOnlyList<Diagnostic> Failures)
{
    public double Drop => AccuracyBefore - AccuracyAfter;
}

/// <summary>
/// Refuses a pruned model whose accuracy is below the policy's floor (minAccuracy) or fell more
/// than maxDrop (absolute, as a fraction) below the original's, both measured on the same
/// validation data in the same run. Every failed condition is reported with both numbers.
/// </summary>
public static class AccuracyGate
{
    /// <summary>The pruned model's accuracy is below gate.minAccuracy.</summary>
    public static readonly ErrorCode BelowMinimum = ErrorCode.Gate(1001);
    /// <summary>The pruned model lost more accuracy than gate.maxDrop allows.</summary>
    public static readonly ErrorCode DropTooLarge = ErrorCode.Gate(1002);

    public static GateVerdict Judge(double before, double after, double? minAccuracy, double maxDrop, string? location)
    {
        var failures = new List<Diagnostic>();
        if (minAccuracy is { } floor && after < floor)
            failures.Add(new Diagnostic(BelowMinimum,
                $"pruned model accuracy {Percent(after)} is below the gate's minAccuracy {Percent(floor)} (original: {Percent(before)})", location));
        if (before - after > maxDrop + 1e-12)
            failures.Add(new Diagnostic(DropTooLarge,
                $"pruned model accuracy {Percent(after)} dropped {Points(before - after)} from the original's {Percent(before)}; the gate's maxDrop is {Points(maxDrop)}", location));
        return new GateVerdict(failures.Count == 0, before, after, minAccuracy, maxDrop, failures);
    }

    private static string Percent(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    private static string Points(double v) => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " points";
}
