using InfoPrune.Core.Information;

namespace InfoPrune.Core.Tests.Information;

/// <summary>Seeded random joint count tables for the property tests.</summary>
internal static class RandomTables
{
    /// <summary>
    /// A table with 2–5 levels and 2–<paramref name="maxClasses"/> classes. Every fourth seed is a
    /// product table (n(t,y) = a_t·b_y, so I(T;Y) = 0 exactly); others are dense or sparse random.
    /// </summary>
    public static (long[] Counts, int Levels, int Classes) Create(int seed, int maxClasses = 8)
    {
        var random = new Random(seed);
        int levels = random.Next(2, 6), classes = random.Next(2, maxClasses + 1);
        var counts = new long[levels * classes];
        if (seed % 4 == 0)
        {
            var a = new long[levels];
            var b = new long[classes];
            for (int t = 0; t < levels; t++) a[t] = random.Next(0, 6);
            for (int y = 0; y < classes; y++) b[y] = random.Next(1, 6);
            a[random.Next(levels)] = random.Next(1, 6); // at least one sample
            for (int t = 0; t < levels; t++)
                for (int y = 0; y < classes; y++) counts[t * classes + y] = a[t] * b[y];
        }
        else
        {
            bool sparse = seed % 4 == 1;
            for (int i = 0; i < counts.Length; i++)
                counts[i] = sparse && random.NextDouble() < 0.5 ? 0 : random.Next(0, 50);
            counts[random.Next(counts.Length)] += 1;
        }
        return (counts, levels, classes);
    }

    public static bool[] SubsetFromMask(int mask, int classes)
    {
        var flags = new bool[classes];
        for (int y = 0; y < classes; y++) flags[y] = ((mask >> y) & 1) == 1;
        return flags;
    }
}
