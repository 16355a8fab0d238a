using System.Xml.Linq;

namespace InfoPrune.Tasks.Tests.Support;

/// <summary>
/// A small project in a temp folder (with spaces in its path) that imports the repository's
/// build/InfoPrune.MSBuild.props/.targets and prunes models/net.onnx with a FAKE tool: a bash
/// script that records the arguments of every call, lists the policy's data file as a dependency,
/// and writes "pruned:" + the model to --out (atomically, like the real tool). Its behaviour is
/// switched by writing tool/mode: "ok" (default), "gate" (every model fails: reports written, a
/// canonical IP1001 line, exit 3) or "gate:NAME" (only the model of that file name fails); the
/// version it announces, by writing tool/version. `-p:TestSecondItem=true` adds models/second.onnx.
/// </summary>
internal sealed class FakeToolProject : IDisposable
{
    private const string FakeTool = """
        here="$(cd "$(dirname "$0")" && pwd)"
        rsp="${1#@}"
        # The task quotes tokens that contain spaces; unquote them like System.CommandLine does.
        args=()
        while IFS= read -r line; do line="${line#\"}"; args+=("${line%\"}"); done < "$rsp"
        { echo "--- call"; printf '%s\n' "${args[@]}"; } >> "$here/calls.log"
        for ((i = 0; i < ${#args[@]}; i++)); do
          case "${args[$i]}" in
            --out) out="${args[$((i + 1))]}";;
            --policy) policy="${args[$((i + 1))]}";;
            --report) report="${args[$((i + 1))]}";;
            --dependency-file) deps="${args[$((i + 1))]}";;
          esac
        done
        model="${args[1]}"
        name="$(basename "$model")"
        echo "infoprune: dotnet-infoprune $(cat "$here/version" 2>/dev/null || echo 0.1.0) pruning $name" >&2
        echo "infoprune: [fine-tune] epoch 1/1 step 1/1 loss 0.500" >&2
        mkdir -p "$(dirname "$out")" "$(dirname "$report")"
        printf '{}\n' > "$report"
        printf '<html></html>\n' > "${report%.json}.html"
        printf '## InfoPrune: %s (fake)\n' "$name" > "${report%.json}.md"
        mode="$(cat "$here/mode" 2>/dev/null)"
        if [ "$mode" = gate ] || [ "$mode" = "gate:$name" ]; then
          echo "$policy(9,5): error IP1001: $name: pruned model accuracy 50.00% is below the gate's minAccuracy 90.00%"
          exit 3
        fi
        data="$(dirname "$policy")/train.bin"
        printf '%s\n' "$model" "$policy" "$data" > "$deps"
        printf 'pruned:%s' "$(cat "$model")" > "$out.$$.tmp" && mv "$out.$$.tmp" "$out"
        echo "fake infoprune: wrote $out"
        """;

    public string Root { get; }
    public string ProjectFolder { get; }
    public string ToolFolder => Path.Combine(Root, "tool");
    public string Model => Path.Combine(ProjectFolder, "models", "net.onnx");
    public string Policy => Path.Combine(ProjectFolder, "models", "prune policy.json");
    public string DataFile => Path.Combine(ProjectFolder, "models", "train.bin");
    public string PrunedInObj => Path.Combine(ProjectFolder, "obj", "Debug", "net10.0", "infoprune", "models", "net.onnx");
    public string PrunedInBin => Path.Combine(ProjectFolder, "bin", "Debug", "net10.0", "models", "net.onnx");
    public string SecondModel => Path.Combine(ProjectFolder, "models", "second.onnx");
    public string SecondInBin => Path.Combine(ProjectFolder, "bin", "Debug", "net10.0", "models", "second.onnx");
    public string ProjectFile => Path.Combine(ProjectFolder, "App.csproj");
    public string CallsLog => Path.Combine(ToolFolder, "calls.log");

    public FakeToolProject()
    {
        Root = Directory.CreateTempSubdirectory("infoprune build ").FullName;
        ProjectFolder = Path.Combine(Root, "my app");
        Directory.CreateDirectory(Path.Combine(ProjectFolder, "models"));
        // Stop MSBuild's upward search for Directory.Build.* and central package files at the temp root.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(Root, name), "<Project />\n");

        ShellScript.Write(Path.Combine(ToolFolder, "fake-infoprune"), FakeTool);
        var tasks = Path.Combine(Root, "tasks", "InfoPrune.Tasks.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(tasks)!);
        File.Copy(RepositoryPaths.TasksAssembly, tasks);

        File.WriteAllText(Model, "model-v1");
        File.WriteAllText(SecondModel, "second-v1");
        File.WriteAllText(Policy, "{ \"version\": 1 }\n");
        File.WriteAllText(DataFile, "data-v1");
        var build = RepositoryPaths.BuildFolder;
        new XDocument(
            new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", "net10.0"),
                    new XElement("InfoPruneToolPath", Path.Combine(ToolFolder, "fake-infoprune")),
                    new XElement("InfoPruneTasksAssembly", tasks)),
                new XElement("Import", new XAttribute("Project", Path.Combine(build, "InfoPrune.MSBuild.props"))),
                new XElement("ItemGroup", new XAttribute("Condition", "'$(TestOmitPolicy)' != 'true'"),
                    new XElement("PruneModel", new XAttribute("Include", "models/net.onnx"),
                        new XAttribute("Policy", "models/prune policy.json"), new XAttribute("MinAccuracy", "$(TestMinAccuracy)"))),
                new XElement("ItemGroup", new XAttribute("Condition", "'$(TestOmitPolicy)' == 'true'"),
                    new XElement("PruneModel", new XAttribute("Include", "models/net.onnx")),
                    new XElement("PruneModel", new XAttribute("Include", "models/second.onnx"))),
                new XElement("ItemGroup", new XAttribute("Condition", "'$(TestSecondItem)' == 'true'"),
                    new XElement("PruneModel", new XAttribute("Include", "models/second.onnx"), new XAttribute("Policy", "models/prune policy.json"))),
                new XElement("Import", new XAttribute("Project", Path.Combine(build, "InfoPrune.MSBuild.targets")))))
            .Save(ProjectFile);
        File.WriteAllText(Path.Combine(ProjectFolder, "Lib.cs"), "namespace App; public static class Marker { }\n");
    }

    public CliResult Build(params string[] arguments) => DotnetCli.MSBuildCommand(ProjectFolder, "build", arguments);

    public CliResult Run(string verb, params string[] arguments) => DotnetCli.MSBuildCommand(ProjectFolder, verb, arguments);

    /// <summary>Each tool call's arguments, in order.</summary>
    public IReadOnlyList<string[]> Calls() =>
        !File.Exists(CallsLog) ? Array.Empty<string[]>()
        : File.ReadAllText(CallsLog).Split("--- call\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.TrimEnd('\n').Split('\n')).ToArray();

    public void SetMode(string mode) => File.WriteAllText(Path.Combine(ToolFolder, "mode"), mode);

    public void SetToolVersion(string version) => File.WriteAllText(Path.Combine(ToolFolder, "version"), version);

    /// <summary>The 1-based line of the project file that holds <paramref name="text"/> (the n-th such line with <paramref name="occurrence"/>).</summary>
    public int LineOf(string text, int occurrence = 1) =>
        File.ReadAllLines(ProjectFile).Select((l, i) => (l, i)).Where(x => x.l.Contains(text)).Skip(occurrence - 1).First().i + 1;

    /// <summary>Marks a file as edited after the last build wrote its outputs.</summary>
    public static void Touch(string path) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a straggling build process: the temp folder is cleaned by the OS */ }
    }
}
