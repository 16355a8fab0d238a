using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InfoPrune.Core.Pipeline;
using InfoPrune.Core.Reporting;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace InfoPrune.Tool.Caching;

/// <summary>
/// Results of <c>prune</c> by content: a run with the same model, policy and data bytes, the same
/// tool build and the same result-changing settings gives the same bytes (one seed drives
/// everything), so its result is copied instead of computed. Each entry is a folder named by the
/// key holding the pruned model and its JSON report; only runs that passed the gate are stored.
/// Nothing in an entry depends on where it was made, so one folder serves every configuration of
/// a project, every checkout, and CI runs that restore it.
/// </summary>
internal sealed class PruneCache
{
    private const string ModelFile = "model.onnx";
    private const string ReportFile = "report.json";
    /// <summary>Bumped when the entry layout or the key recipe changes, so old entries are never misread.</summary>
    private const string Layout = "infoprune-cache-1";

    private static readonly JsonSerializerSettings ReportSettings = new()
    {
        ContractResolver = new CamelCasePropertyNamesContractResolver(),
        Culture = CultureInfo.InvariantCulture,
        MissingMemberHandling = MissingMemberHandling.Ignore,
    };

    private readonly string _directory;

    public PruneCache(string directory) => _directory = Path.GetFullPath(directory);

    /// <summary>
    /// The key: SHA-256 over the cache layout, the tool build, every input file's content in the
    /// order the run reads them, and the settings that change the result (gate override, threads,
    /// whether latency is measured: it is part of the report). Output paths are not part of it.
    /// With latency measured, the machine too: <c>roundTo: "auto"</c> picks the widths this
    /// machine's ONNX Runtime runs fast and the report holds its timings, so a cache shared between
    /// machines (a network drive, a CI cache) must not hand one machine's plan to another.
    /// </summary>
    public static string Key(PruneRequest request, IReadOnlyList<string> inputFiles) =>
        Key(request, inputFiles, Core.Latency.MachineIdentity.Current.Key);

    /// <summary>The key on the machine whose identity is <paramref name="machine"/> (<see cref="Core.Latency.MachineIdentity.Key"/>).</summary>
    internal static string Key(PruneRequest request, IReadOnlyList<string> inputFiles, string machine)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => sha.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(Layout);
        Add(ToolBuild.Value);
        foreach (var file in inputFiles) Add("file " + HashFile(file));
        Add("min-accuracy " + (request.MinAccuracyOverride?.ToString("R", CultureInfo.InvariantCulture) ?? "-"));
        Add("threads " + request.Threads.ToString(CultureInfo.InvariantCulture));
        Add("latency " + request.MeasureLatency);
        if (request.MeasureLatency) Add("machine " + machine);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// The stored result for <paramref name="key"/>, its report naming this request's paths (the
    /// caller writes it out, as a pruning run would); null when there is none or it cannot be read.
    /// </summary>
    public CachedResult? TryRead(string key, PruneRequest request)
    {
        var entry = Path.Combine(_directory, key);
        var model = Path.Combine(entry, ModelFile);
        var reportJson = Path.Combine(entry, ReportFile);
        if (!File.Exists(model) || !File.Exists(reportJson)) return null;
        try
        {
            var stored = JsonConvert.DeserializeObject<PruneReport>(File.ReadAllText(reportJson), ReportSettings);
            if (stored == null) return null;
            var report = stored with
            {
                Output = request.ResolvedOutputPath,
                Model = Path.GetFullPath(request.ModelPath),
                Policy = Path.GetFullPath(request.PolicyPath),
            };
            return new CachedResult(report, File.ReadAllBytes(model));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null; // an unreadable entry is a miss; the run that follows stores a good one
        }
    }

    /// <summary>Stores a run's result under <paramref name="key"/>; a failure to store only costs the next run its shortcut.</summary>
    public string? Store(string key, PruneOutcome outcome)
    {
        var entry = Path.Combine(_directory, key);
        if (Directory.Exists(entry)) return null;
        var staging = Path.Combine(_directory, $".{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            File.Copy(outcome.OutputPath, Path.Combine(staging, ModelFile));
            File.WriteAllText(Path.Combine(staging, ReportFile), ReportWriter.ToJson(outcome.Report) + "\n");
            // A folder rename is atomic: readers see a whole entry or none. Two runs storing the
            // same key at once: the second rename fails, and its copy is the same bytes anyway.
            Directory.Move(staging, entry);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            return Directory.Exists(entry) ? null : $"could not store the result in the cache '{_directory}': {ex.Message}";
        }
    }

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>
    /// The tool build: its version plus the bytes of the tool and engine assemblies (deterministic
    /// builds: same source, same bytes), so a locally rebuilt tool with changed code misses.
    /// </summary>
    private static readonly Lazy<string> ToolBuild = new(() =>
    {
        var parts = new List<string> { Provenance.ToolVersion };
        foreach (var assembly in new[] { typeof(PruneCache).Assembly, typeof(PrunePipeline).Assembly })
            parts.Add(string.IsNullOrEmpty(assembly.Location) ? assembly.ManifestModule.ModuleVersionId.ToString() : HashFile(assembly.Location));
        return string.Join(" ", parts);
    });

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A stored result: the report (naming the paths of the run that reads it) and the pruned model's bytes.</summary>
internal sealed record CachedResult(PruneReport Report, byte[] Model);
