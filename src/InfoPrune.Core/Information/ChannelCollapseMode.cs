namespace InfoPrune.Core.Information;

/// <summary>
/// How a conv channel's H×W map becomes one number per sample before quantizing. After a ReLU all
/// of them are 0 exactly when the map is all zeros, so the 0 threshold keeps its meaning; the
/// sigmoid threshold 0.5 fits <see cref="Mean"/> and <see cref="Max"/> only (L1/L2 grow with H·W;
/// use bins or the median there).
/// </summary>
public enum ChannelCollapseMode
{
    /// <summary>Σx / (H·W): average activation, on the activation's own scale.</summary>
    Mean,
    /// <summary>Σ|x|: the L1 norm (MIPP collapses maps this way).</summary>
    L1,
    /// <summary>√Σx²: the L2 norm.</summary>
    L2,
    /// <summary>max x: the strongest response (global max pooling).</summary>
    Max,
    /// <summary>Population standard deviation over the map: spatial variability (listed in the design's Measure step).</summary>
    StandardDeviation,
}
