namespace InfoPrune.Bench;

/// <summary>`--name value` options and positional arguments; a benchmark needs nothing richer.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _named = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = new();

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
                options._named[args[i][2..]] = args[++i];
            else
                options.Positional.Add(args[i]);
        }
        return options;
    }

    public string Get(string name, string fallback) => _named.GetValueOrDefault(name, fallback);
    public int Get(string name, int fallback) => _named.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
}
