using InfoPrune.Core.Information;

namespace InfoPrune.Core.Measurement;

/// <summary>
/// What the calibration pass learned about one channel group: where its units were read, the
/// quantizers used, and the joint counts n(t, y) of every unit, from which any of the paper's
/// measures follows in O(|T|·C) per unit (Appendix B.4).
/// </summary>
public sealed class GroupMeasurement
{
    internal GroupMeasurement(UnitProbe probe, string groupName, JointCounts counts, IReadOnlyList<Quantizer> quantizers)
    {
        Probe = probe;
        GroupName = groupName;
        Counts = counts;
        Quantizers = quantizers;
    }

    /// <summary>The group's id in the dependency graph.</summary>
    public int GroupId => Probe.GroupId;

    /// <summary>A readable name of the group (its first producer).</summary>
    public string GroupName { get; }

    /// <summary>The value the units were read from, and the activation behind it.</summary>
    public UnitProbe Probe { get; }

    /// <summary>Joint counts of (quantized unit, class), one table per channel.</summary>
    public JointCounts Counts { get; }

    /// <summary>The quantizer of each channel.</summary>
    public IReadOnlyList<Quantizer> Quantizers { get; }

    /// <summary>The measure for every channel of the group, in bits.</summary>
    public double[] Scores(NeuronMeasure measure) => InformationMeasures.Score(Counts, measure);
}
