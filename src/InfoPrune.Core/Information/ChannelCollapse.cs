namespace InfoPrune.Core.Information;

/// <summary>
/// Collapses conv feature maps to one value per channel and sample, so a channel is a "unit" for
/// the discrete estimators. Works on spans, allocates nothing, and accumulates in double so long
/// maps do not lose precision.
/// </summary>
public static class ChannelCollapse
{
    /// <summary>One sample: <paramref name="map"/> is [channels, H·W] row-major; writes <paramref name="channels"/> values.</summary>
    public static void Collapse(ReadOnlySpan<float> map, int channels, ChannelCollapseMode mode, Span<float> destination)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels));
        if (map.Length % channels != 0 || map.Length == 0)
            throw new ArgumentException($"map length {map.Length} is not a positive multiple of {channels} channels", nameof(map));
        if (destination.Length < channels)
            throw new ArgumentException("destination is shorter than the channel count", nameof(destination));
        int spatial = map.Length / channels;
        for (int c = 0; c < channels; c++)
            destination[c] = CollapseOne(map.Slice(c * spatial, spatial), mode);
    }

    /// <summary>
    /// A batch: <paramref name="maps"/> is [batch, channels, H·W]; <paramref name="destination"/> gets
    /// [batch, channels], the layout <see cref="JointCounts.Add"/> takes.
    /// </summary>
    public static void CollapseBatch(ReadOnlySpan<float> maps, int batch, int channels, ChannelCollapseMode mode, Span<float> destination)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch));
        if (maps.Length % batch != 0)
            throw new ArgumentException($"maps length {maps.Length} is not a multiple of batch {batch}", nameof(maps));
        if (destination.Length < batch * channels)
            throw new ArgumentException("destination is shorter than batch × channels", nameof(destination));
        int perSample = maps.Length / batch;
        for (int b = 0; b < batch; b++)
            Collapse(maps.Slice(b * perSample, perSample), channels, mode, destination.Slice(b * channels, channels));
    }

    private static float CollapseOne(ReadOnlySpan<float> plane, ChannelCollapseMode mode)
    {
        switch (mode)
        {
            case ChannelCollapseMode.Mean:
            {
                double sum = 0;
                foreach (var v in plane) sum += v;
                return (float)(sum / plane.Length);
            }
            case ChannelCollapseMode.L1:
            {
                double sum = 0;
                foreach (var v in plane) sum += Math.Abs(v);
                return (float)sum;
            }
            case ChannelCollapseMode.L2:
            {
                double sum = 0;
                foreach (var v in plane) sum += (double)v * v;
                return (float)Math.Sqrt(sum);
            }
            case ChannelCollapseMode.Max:
            {
                float max = float.NegativeInfinity;
                foreach (var v in plane)
                {
                    // NaN must survive so the quantizer can refuse it instead of it being skipped.
                    if (float.IsNaN(v)) return float.NaN;
                    if (v > max) max = v;
                }
                return max;
            }
            case ChannelCollapseMode.StandardDeviation:
            {
                // Two passes over a small plane: exact and stable, unlike E[x²]−E[x]².
                double sum = 0;
                foreach (var v in plane) sum += v;
                double mean = sum / plane.Length, squares = 0;
                foreach (var v in plane) { double d = v - mean; squares += d * d; }
                return (float)Math.Sqrt(squares / plane.Length);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }
}
