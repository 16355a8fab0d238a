namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// Finds the allowed name a mistyped one most likely meant: "batch_size" → "batchSize",
/// "learningrate" stays unmatched rather than guessing wildly.
/// </summary>
internal static class KeySuggestion
{
    public static string? Closest(string typed, IEnumerable<string> allowed)
    {
        var normalizedTyped = Normalize(typed);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            var distance = EditDistance(normalizedTyped, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        // Beyond a third of the word, the "suggestion" is noise.
        var tolerance = Math.Max(1, normalizedTyped.Length / 3);
        return bestDistance <= tolerance ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or nothing.</summary>
    public static string Hint(string typed, IEnumerable<string> allowed) =>
        Closest(typed, allowed) is { } suggestion ? $"; did you mean '{suggestion}'?" : "";

    // Case, '-' and '_' are the usual differences between conventions, not typos.
    private static string Normalize(string name) =>
        new(name.Where(c => c != '_' && c != '-').Select(char.ToLowerInvariant).ToArray());

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
