using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace InfoPrune.Tasks;

/// <summary>
/// Checks every PruneModel item before anything runs and reports every problem at once, each at
/// its item's line in the project file: an item without Policy metadata (IP0005). Each item gets
/// `ItemLocation` metadata ("file|line") so later errors about it can point there too.
/// </summary>
public sealed class CheckPruneModelItems : Microsoft.Build.Utilities.Task
{
    [Required] public ITaskItem[] Items { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The project being built: where items are looked for when they do not say which file defined them.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>False only locates the items (Clean, and the step that computes paths): problems are reported once, by the build.</summary>
    public bool ReportProblems { get; set; } = true;

    [Output] public ITaskItem[] Result { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        Result = Items.Select(item =>
        {
            var copy = new TaskItem(item);
            var file = item.GetMetadata("DefiningProjectFullPath");
            if (string.IsNullOrEmpty(file)) file = ProjectFile ?? "";
            var policy = item.GetMetadata("Policy");
            var key = file + "\n" + item.ItemSpec + "\n" + policy;
            if (!lines.TryGetValue(key, out var line)) lines[key] = line = file.Length == 0 ? 0 : ItemLocations.FindLine(file, "PruneModel", item.ItemSpec, policy);
            copy.SetMetadata("ItemLocation", ItemLocations.Format(file, line));
            if (ReportProblems && string.IsNullOrEmpty(policy))
                Log.LogError(null, "IP0005", null, file, line, 0, 0, 0,
                    $"PruneModel item '{item.ItemSpec}' has no Policy metadata (the pruning policy file), e.g. <PruneModel Include=\"{item.ItemSpec}\" Policy=\"prune.json\" />");
            return (ITaskItem)copy;
        }).ToArray();
        return !Log.HasLoggedErrors;
    }
}
