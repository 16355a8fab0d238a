using InfoPrune.Core.IO;
using Newtonsoft.Json;

namespace InfoPrune.Core.Latency;

/// <summary>
/// Measured probe times kept between runs, one file per machine and ONNX Runtime version under
/// the user's cache folder (<c>$INFOPRUNE_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/infoprune</c>,
/// <c>~/.cache/infoprune</c>, or the local application data folder on Windows). A missing or
/// unreadable file is an empty cache; saving merges with what another run saved meanwhile and
/// replaces the file atomically, so concurrent builds at worst measure something twice.
/// </summary>
public sealed class LatencyCache
{
    private readonly Dictionary<string, double> _entries;
    private readonly Dictionary<string, double> _added = new(StringComparer.Ordinal);

    private LatencyCache(string? path, Dictionary<string, double> entries)
    {
        FilePath = path;
        _entries = entries;
    }

    /// <summary>The cache file, or null for a cache that lives only in memory.</summary>
    public string? FilePath { get; }

    /// <summary>Entries measured by this run (not read from the file).</summary>
    public int AddedCount => _added.Count;

    /// <summary>A cache that is never read from or written to disk (tests, and when no cache folder exists).</summary>
    public static LatencyCache InMemory() => new(null, new Dictionary<string, double>(StringComparer.Ordinal));

    /// <summary>Opens the cache file of <paramref name="machine"/> in <paramref name="folder"/> (default: <see cref="DefaultFolder"/>).</summary>
    public static LatencyCache Open(MachineIdentity machine, string? folder = null)
    {
        folder ??= DefaultFolder();
        if (folder == null) return InMemory();
        var path = Path.Combine(folder, "latency", $"widths-{machine.Key}.json");
        return new LatencyCache(path, Read(path));
    }

    /// <summary>The user's cache folder for InfoPrune, or null when none can be found.</summary>
    public static string? DefaultFolder()
    {
        var explicitFolder = Environment.GetEnvironmentVariable("INFOPRUNE_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(explicitFolder)) return explicitFolder;
        if (OperatingSystem.IsWindows())
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return string.IsNullOrEmpty(local) ? null : Path.Combine(local, "InfoPrune", "cache");
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "infoprune");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "infoprune");
    }

    public bool TryGet(string key, out double milliseconds) => _entries.TryGetValue(key, out milliseconds);

    public void Set(string key, double milliseconds)
    {
        _entries[key] = milliseconds;
        _added[key] = milliseconds;
    }

    /// <summary>Writes this run's measurements; a cache that cannot be written is only a slower next run.</summary>
    public void Save(MachineIdentity machine)
    {
        if (FilePath == null || _added.Count == 0) return;
        try
        {
            var merged = Read(FilePath);
            foreach (var (key, value) in _added) merged[key] = value;
            var file = new CacheFile { Machine = machine.Description, Entries = new SortedDictionary<string, double>(merged, StringComparer.Ordinal) };
            AtomicFile.WriteAllText(FilePath, JsonConvert.SerializeObject(file, Formatting.Indented) + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Diagnostics.InfoPruneException)
        {
            // Not worth failing a build over; the widths were measured and are used this run.
        }
    }

    private static Dictionary<string, double> Read(string path)
    {
        try
        {
            if (!File.Exists(path)) return new Dictionary<string, double>(StringComparer.Ordinal);
            var file = JsonConvert.DeserializeObject<CacheFile>(File.ReadAllText(path));
            return file?.Entries is { } entries
                ? new Dictionary<string, double>(entries.Where(e => double.IsFinite(e.Value) && e.Value > 0), StringComparer.Ordinal)
                : new Dictionary<string, double>(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return new Dictionary<string, double>(StringComparer.Ordinal);
        }
    }

    private sealed class CacheFile
    {
        public string? Machine { get; set; }
        public SortedDictionary<string, double>? Entries { get; set; }
    }
}
