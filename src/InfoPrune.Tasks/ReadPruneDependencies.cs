using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace InfoPrune.Tasks;

/// <summary>
/// Adds to each PruneModel item the files its last run read (the tool's dependency file: model,
/// policy, data), as `DependencyInputs` metadata, so the pruning target's Inputs cover the data
/// files the policy names. Items never built yet get none; they run anyway (no output exists).
/// </summary>
public sealed class ReadPruneDependencies : Microsoft.Build.Utilities.Task
{
    [Required] public ITaskItem[] Items { get; set; } = Array.Empty<ITaskItem>();

    [Output] public ITaskItem[] Result { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        Result = Items.Select(item =>
        {
            var copy = new TaskItem(item);
            var file = item.GetMetadata("DependencyFile");
            var inputs = File.Exists(file)
                ? File.ReadAllLines(file).Where(l => l.Length > 0).ToArray()
                : Array.Empty<string>();
            copy.SetMetadata("DependencyInputs", string.Join(";", inputs));
            return (ITaskItem)copy;
        }).ToArray();
        return true;
    }
}
