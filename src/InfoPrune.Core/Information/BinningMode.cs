namespace InfoPrune.Core.Information;

/// <summary>How a <see cref="BinQuantizer"/> places its k bins.</summary>
public enum BinningMode
{
    /// <summary>Equal-width bins between the sample's minimum and maximum.</summary>
    EqualWidth,
    /// <summary>Bins holding (about) equal numbers of the sample's values: edges at the i/k quantiles.</summary>
    EqualFrequency,
}
