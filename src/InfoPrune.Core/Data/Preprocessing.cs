namespace InfoPrune.Core.Data;

/// <summary>
/// How stored values become model inputs: <c>value = (stored × Scale − Mean[c]) / Std[c]</c> for
/// channel c, and each sample viewed in <see cref="SampleShape"/>. The channel axis is the first axis
/// of a sample of rank 3 or more (C, H, W: the model's NCHW layout without N); samples of lower rank
/// have one channel.
/// </summary>
public sealed record Preprocessing
{
    /// <summary>No options: uint8 scaled by 1/255, other types unscaled, no normalization, the file's sample shape.</summary>
    public static Preprocessing Default { get; } = new();

    /// <summary>Factor applied to stored values first; null for the default of the element type (see <see cref="ScaleFor"/>).</summary>
    public double? Scale { get; init; }

    /// <summary>Subtracted after scaling: one value for all channels, or one per channel; null for 0.</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Divides after subtracting the mean: one value for all channels, or one per channel; null for 1.</summary>
    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>
    /// The shape of one sample as the model takes it, without the batch axis (e.g. [1, 28, 28] for an
    /// input [N, 1, 28, 28]); null keeps the file's shape. Any shape with the same number of values is
    /// accepted (an IDX [N, 28, 28] file feeds [1, 28, 28]); the values keep their row-major order.
    /// </summary>
    public IReadOnlyList<int>? SampleShape { get; init; }

    /// <summary>The scale used for <paramref name="type"/>: <see cref="Scale"/> when set, else 1/255 for uint8 and 1 for other types.</summary>
    public double ScaleFor(DataElementType type) => Scale ?? (type == DataElementType.UInt8 ? 1.0 / 255.0 : 1.0);
}
