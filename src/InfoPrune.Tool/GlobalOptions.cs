using System.CommandLine;
using InfoPrune.Tool.Commands;

namespace InfoPrune.Tool;

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    /// <summary>Intra-op threads for TorchSharp and ONNX Runtime; defaults to the core count.</summary>
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Threads for TorchSharp and ONNX Runtime (default: the number of cores).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>Print stack traces of unexpected errors (also INFOPRUNE_DEBUG=1).</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show stack traces of unexpected errors (also: INFOPRUNE_DEBUG=1).",
        Recursive = true,
    };

    public GlobalOptions() => OptionRules.RequirePositive(Threads);

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Threads);
        root.Options.Add(Verbose);
    }
}
