namespace InfoPrune.Core.Data;

/// <summary>How shapes are written in messages, so every diagnostic spells them the same way.</summary>
internal static class ShapeText
{
    /// <summary><c>[60000, 28, 28]</c></summary>
    public static string Of(IEnumerable<long> dims) => "[" + string.Join(", ", dims) + "]";

    /// <summary><c>[1, 28, 28]</c></summary>
    public static string Of(IEnumerable<int> dims) => Of(dims.Select(d => (long)d));

    /// <summary><c>60000 samples of 28x28</c>, or <c>10000 samples</c> for a one-dimensional array.</summary>
    public static string Samples(IReadOnlyList<long> dims) =>
        dims.Count == 1 ? $"{dims[0]} samples" : $"{dims[0]} samples of {string.Join("x", dims.Skip(1))}";
}
