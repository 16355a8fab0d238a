using System.Collections;
using Microsoft.Build.Framework;

namespace InfoPrune.Tasks.Tests.Support;

/// <summary>
/// Collects what a task logs, so tests can check codes, files and lines of its errors.
/// IBuildEngine3 because ToolTask yields the node while the tool runs.
/// </summary>
internal sealed class FakeBuildEngine : IBuildEngine3
{
    public List<BuildErrorEventArgs> Errors { get; } = new();
    public List<BuildWarningEventArgs> Warnings { get; } = new();
    public List<BuildMessageEventArgs> Messages { get; } = new();

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (Errors) Errors.Add(e); }
    public void LogWarningEvent(BuildWarningEventArgs e) { lock (Warnings) Warnings.Add(e); }
    public void LogMessageEvent(BuildMessageEventArgs e) { lock (Messages) Messages.Add(e); }
    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public bool IsRunningMultipleNodes => false;
    public int YieldCount { get; private set; }

    public void Yield() => YieldCount++;
    public void Reacquire() { }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("the task never builds other projects");
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) =>
        throw new NotSupportedException("the task never builds other projects");
    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties,
        IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) =>
        throw new NotSupportedException("the task never builds other projects");
    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties,
        IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) =>
        throw new NotSupportedException("the task never builds other projects");

    public string Log => string.Join("\n", Errors.Select(e => $"error {e.Code}: {e.Message}")
        .Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}"))
        .Concat(Messages.Select(m => m.Message)));
}
