namespace InfoPrune.Core.Data;

/// <summary>
/// The sample order of a shuffled epoch. A hand-written Fisher-Yates over <see cref="Random.Next(int)"/>
/// rather than <see cref="Random.Shuffle{T}(Span{T})"/>: seeded <c>Next</c> is kept stable across
/// .NET versions for compatibility, so an order written in a report can be reproduced later.
/// </summary>
internal static class SeededShuffle
{
    /// <summary>Shuffles <paramref name="items"/> in place; epoch 0 uses <paramref name="seed"/> as is, later epochs a seed mixed from both.</summary>
    public static void Shuffle(Span<int> items, int seed, int epoch)
    {
        var random = new Random(EpochSeed(seed, epoch));
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Distinct, well-spread seeds per epoch (SplitMix64 finalizer), so epoch k+1's order is not a
    /// near copy of epoch k's as with seed + k on the subtractive generator.
    /// </summary>
    internal static int EpochSeed(int seed, int epoch)
    {
        if (epoch == 0) return seed;
        ulong z = ((ulong)(uint)seed << 32) | (uint)epoch;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
