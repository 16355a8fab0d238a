using InfoPrune.Core.IO;
using InfoPrune.Core.Policy;
using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Pipeline;

/// <summary>
/// The files a prune run writes — the model, its JSON, markdown and HTML reports, and the
/// dependency list — claimed together before the work starts (see <see cref="OutputSet"/>) and
/// written together at the end, so a run either fails early or leaves one consistent set.
/// </summary>
public sealed class PruneOutputs : IDisposable
{
    private readonly OutputSet _set;
    private readonly string? _dependencyFile;

    private PruneOutputs(OutputSet set, string modelPath, string reportPath, string? dependencyFile)
    {
        _set = set;
        ModelPath = modelPath;
        ReportPath = reportPath;
        _dependencyFile = dependencyFile;
    }

    /// <summary>Where the pruned model goes (absolute).</summary>
    public string ModelPath { get; }
    /// <summary>Where the JSON report goes (absolute); the markdown and HTML reports sit beside it.</summary>
    public string ReportPath { get; }
    public string MarkdownPath => Path.ChangeExtension(ReportPath, ".md");
    public string HtmlPath => Path.ChangeExtension(ReportPath, ".html");

    /// <summary>
    /// Checks every output of <paramref name="request"/> against every file it reads (the model,
    /// the policy, the data files) and against each other, checks each can be written, and locks
    /// them for the run.
    /// </summary>
    public static PruneOutputs Claim(PruneRequest request, PrunePolicy policy)
    {
        var modelPath = request.ResolvedOutputPath;
        var reportPath = request.ResolvedReportPath;
        var outputs = new List<RunFile>
        {
            // Diagnostics name the paths as the user gave them; the set compares and writes canonical ones.
            new(request.OutputPath ?? modelPath, request.OutputPath == null ? "the pruned model" : "the pruned model (--out)"),
            new(request.ReportPath ?? reportPath, request.ReportPath == null ? "the JSON report" : "the JSON report (--report)"),
            new(Path.ChangeExtension(reportPath, ".md"), "the markdown report"),
            new(Path.ChangeExtension(reportPath, ".html"), "the HTML report"),
        };
        if (request.DependencyFile != null) outputs.Add(new(request.DependencyFile, "the dependency file"));
        var set = OutputSet.Claim(outputs, ReadFiles(request.ModelPath, policy));
        return new PruneOutputs(set, modelPath, reportPath, request.DependencyFile == null ? null : Path.GetFullPath(request.DependencyFile));
    }

    /// <summary>
    /// Writes the set in one go: the reports, the dependency list, and the model when the gate
    /// passed (<paramref name="model"/> not null). When it failed, a model left by an earlier run is
    /// removed, so it cannot pass for the result of this one.
    /// </summary>
    public void Emit(PruneReport report, byte[]? model, string inputModelPath, PrunePolicy policy)
    {
        var files = new List<(string, byte[]?)>
        {
            (ReportPath, Utf8(ReportWriter.ToJson(report) + "\n")),
            (MarkdownPath, Utf8(ReportWriter.ToMarkdown(report))),
            (HtmlPath, Utf8(PruneReportHtml.Render(report))),
            (ModelPath, model),
        };
        if (_dependencyFile != null)
            files.Add((_dependencyFile, Utf8(string.Join("\n", InputFiles(inputModelPath, policy)) + "\n")));
        _set.Commit(files);
    }

    public void Dispose() => _set.Dispose();

    /// <summary>
    /// Every file a run of <paramref name="policy"/> on <paramref name="modelPath"/> reads (model,
    /// policy, data), full paths, each once, in the dependency file's order: what a build watches
    /// and what a result cache keys on.
    /// </summary>
    public static IReadOnlyList<string> InputFiles(string modelPath, PrunePolicy policy) =>
        ReadFiles(modelPath, policy).Select(f => f.Path).Distinct().ToArray();

    /// <summary>The files a run reads, in the order the dependency file lists them.</summary>
    private static IEnumerable<RunFile> ReadFiles(string modelPath, PrunePolicy policy)
    {
        yield return new(Path.GetFullPath(modelPath), "the input model");
        yield return new(policy.SourcePath, "the policy");
        yield return new(policy.Data.Validation.Images, "the validation images (data.validation.images)");
        yield return new(policy.Data.Validation.Labels, "the validation labels (data.validation.labels)");
        if (policy.Data.Train is { } train)
        {
            yield return new(train.Images, "the training images (data.train.images)");
            yield return new(train.Labels, "the training labels (data.train.labels)");
        }
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
