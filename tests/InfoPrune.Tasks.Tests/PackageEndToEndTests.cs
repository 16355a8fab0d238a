using System.IO.Compression;
using System.Runtime.InteropServices;
using InfoPrune.Tasks.Tests.Support;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tasks.Tests;

/// <summary>
/// What a user outside this repository does: both packages from a local feed, the tool as a
/// local .NET tool, a project with one PruneModel item, and the REAL tool pruning LeNet-5 on
/// small Fashion-MNIST subsets.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class PackageEndToEndTests : IDisposable
{
    private const long NuGetOrgLimit = 250L * 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("infoprune e2e ").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { /* a straggling process: the OS cleans temp */ }
    }

    [Fact]
    public void PackedPackagesPruneAModelInAProjectOutsideTheRepository()
    {
        var rid = CurrentRid();
        // A unique version: NuGet caches packages by id and version forever.
        var version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        var sources = CopySources(Path.Combine(_root, "sources"));

        // Pack from a copy: packing rebuilds with another version and RID list, which must not
        // disturb the repository's own bin/ and obj/ while other tests use them.
        var packTool = DotnetCli.Run(sources, new[] { "pack", "src/InfoPrune.Tool", "-c", "Release", "-o", feed, "-nodeReuse:false", "-tl:off",
            $"-p:Version={version}", $"-p:ToolPackageRuntimeIdentifiers={rid}" }, timeout: TimeSpan.FromMinutes(5));
        Assert.True(packTool.ExitCode == 0, packTool.ToString());
        var packTasks = DotnetCli.Run(sources, new[] { "pack", "src/InfoPrune.Tasks", "-c", "Release", "-o", feed, "-nodeReuse:false", "-tl:off",
            $"-p:Version={version}" });
        Assert.True(packTasks.ExitCode == 0, packTasks.ToString());

        CheckPointerPackage(Path.Combine(feed, $"dotnet-infoprune.{version}.nupkg"), rid);
        CheckRidPackage(Path.Combine(feed, $"dotnet-infoprune.{rid}.{version}.nupkg"), rid);
        CheckMSBuildPackage(Path.Combine(feed, $"InfoPrune.MSBuild.{version}.nupkg"));

        var app = WriteApp(Path.Combine(_root, "my app"), feed, version);
        // A private package cache keeps the ~470 MB extracted tool out of the user's cache.
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_root, "nuget packages") };
        Assert.Equal(0, DotnetCli.Run(app, new[] { "new", "tool-manifest" }, env).ExitCode);
        var install = DotnetCli.Run(app, new[] { "tool", "install", "dotnet-infoprune", "--version", version }, env);
        Assert.True(install.ExitCode == 0, install.ToString());

        var build = DotnetCli.Run(app, new[] { "build", "-nodeReuse:false", "-tl:off" }, env);
        Assert.True(build.ExitCode == 0, build.ToString());
        var original = new FileInfo(Path.Combine(app, "models", "lenet5.onnx")).Length;
        var pruned = new FileInfo(Path.Combine(app, "bin", "Debug", "net10.0", "models", "lenet5.onnx"));
        Assert.True(pruned.Exists, build.ToString());
        Assert.InRange(pruned.Length, 1, original * 3 / 4); // target macs 0.5: much smaller, not empty
        Assert.Contains("InfoPrune: lenet5.onnx", build.Output);

        var again = DotnetCli.Run(app, new[] { "build", "-nodeReuse:false", "-tl:off" }, env);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("InfoPrune: lenet5.onnx", again.Output);

        // Another configuration prunes nothing: the result comes from the project's cache, byte for byte.
        var release = DotnetCli.Run(app, new[] { "build", "-c", "Release", "-nodeReuse:false", "-tl:off" }, env);
        Assert.True(release.ExitCode == 0, release.ToString());
        Assert.Contains("from the cache", release.Output);
        Assert.DoesNotContain("[fine-tune]", release.Output);
        Assert.Equal(File.ReadAllBytes(pruned.FullName),
            File.ReadAllBytes(Path.Combine(app, "bin", "Release", "net10.0", "models", "lenet5.onnx")));

        var gate = DotnetCli.Run(app, new[] { "build", "-nodeReuse:false", "-tl:off", "-p:GateMinAccuracy=0.999" }, env);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Matches(@"error IP1\d{3}: .*99\.90%", gate.Output);
    }

    private static string CurrentRid()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win";
        return $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    }

    private static void CheckPointerPackage(string path, string rid)
    {
        Assert.True(new FileInfo(path).Length < 1024 * 1024, "the pointer package should hold no binaries");
        using var zip = ZipFile.OpenRead(path);
        var settings = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        using var reader = new StreamReader(settings.Open());
        Assert.Contains($"Id=\"dotnet-infoprune.{rid}\"", reader.ReadToEnd());
    }

    private static void CheckRidPackage(string path, string rid)
    {
        Assert.InRange(new FileInfo(path).Length, 1, NuGetOrgLimit - 1);
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains($"tools/net10.0/{rid}/dotnet-infoprune.dll", names);
        // libtorch's Python bindings, TorchBind test library and Android backend are never loaded by a .NET tool.
        foreach (var unused in new[] { "libtorch_python", "libtorchbind_test", "libnnapi_backend" })
            Assert.DoesNotContain(names, n => Path.GetFileName(n).StartsWith(unused, StringComparison.Ordinal));
        CheckReadmeAndLicense(zip);
        // Only this RID's natives: nothing under runtimes/ for other platforms.
        Assert.DoesNotContain(names, n => n.Contains("/runtimes/", StringComparison.Ordinal));
        if (rid == "linux-x64")
        {
            var native = zip.GetEntry($"tools/net10.0/{rid}/libLibTorchSharp.so");
            Assert.NotNull(native);
            using var stream = native!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(ElfVersionNeeds.IsWeak(copy.ToArray(), "GLIBCXX_3.4.32"),
                "the packed libLibTorchSharp.so must be the build's patched copy (GLIBCXX_3.4.32 weak)");
        }
    }

    private static void CheckMSBuildPackage(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("tasks/net10.0/InfoPrune.Tasks.dll", names);
        CheckReadmeAndLicense(zip);
        CheckLoadableByNetFrameworkMSBuild(zip.GetEntry("tasks/net472/InfoPrune.Tasks.dll"));
        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains($"{folder}/InfoPrune.MSBuild.props", names);
            Assert.Contains($"{folder}/InfoPrune.MSBuild.targets", names);
        }
        Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("Microsoft.Build", StringComparison.Ordinal));
    }

    private static void CheckReadmeAndLicense(ZipArchive zip)
    {
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspecEntry.Open());
        var nuspec = reader.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>PACKAGE.md</readme>", nuspec);
        Assert.NotNull(zip.GetEntry("PACKAGE.md"));
    }

    /// <summary>
    /// What Linux can check of Visual Studio's load path: the package has a task assembly built for
    /// .NET Framework 4.7.2 whose references are all assemblies .NET Framework MSBuild provides.
    /// </summary>
    private static void CheckLoadableByNetFrameworkMSBuild(ZipArchiveEntry? entry)
    {
        Assert.NotNull(entry);
        using var stream = entry!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var framework = metadata.GetAssemblyDefinition().GetCustomAttributes()
            .Select(h => metadata.GetCustomAttribute(h))
            .Select(a => System.Text.Encoding.UTF8.GetString(metadata.GetBlobBytes(a.Value)))
            .FirstOrDefault(v => v.Contains(".NETFramework", StringComparison.Ordinal));
        Assert.NotNull(framework);
        Assert.Contains(".NETFramework,Version=v4.7.2", framework);
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.All(references, r => Assert.True(r is "mscorlib" or "System" or "System.Core" or "System.Xml" || r.StartsWith("Microsoft.Build", StringComparison.Ordinal),
            $"the net472 task references {r}, which .NET Framework MSBuild may not provide"));
    }

    /// <summary>The sources that make the two packages, without anyone's bin/ or obj/.</summary>
    private static string CopySources(string target)
    {
        var root = RepositoryPaths.Root;
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            Directory.CreateDirectory(target);
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }
        foreach (var folder in new[] { "build", "src/InfoPrune.Core", "src/InfoPrune.Tool", "src/InfoPrune.Tasks" })
            CopyTree(Path.Combine(root, folder), Path.Combine(target, folder));
        return target;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopyTree(dir, Path.Combine(to, name));
        }
    }

    private static string WriteApp(string folder, string feed, string version)
    {
        var models = Directory.CreateDirectory(Path.Combine(folder, "models")).FullName;
        File.Copy(Path.Combine(RepositoryPaths.Root, "samples", "FashionClassifier", "models", "lenet5.onnx"), Path.Combine(models, "lenet5.onnx"));
        var (trainImages, trainLabels) = FashionSubset.Write(models, "train", 512);
        var (testImages, testLabels) = FashionSubset.Write(models, "t10k", 300);
        File.WriteAllText(Path.Combine(models, "prune.json"), $$"""
            {
              "version": 1,
              "data": {
                "train": { "images": "{{Path.GetFileName(trainImages)}}", "labels": "{{Path.GetFileName(trainLabels)}}" },
                "validation": { "images": "{{Path.GetFileName(testImages)}}", "labels": "{{Path.GetFileName(testLabels)}}" }
              },
              "method": { "name": "l1" },
              "target": { "macs": 0.5 },
              "fineTune": { "epochs": 1, "batchSize": 64 },
              "gate": { "maxDrop": 0.5 },
              "seed": 42
            }
            """);
        // The local feed plus the machine's usual sources (no <clear />).
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="infoprune-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <InfoPruneThreads>2</InfoPruneThreads>
                <InfoPruneExtraArguments>--no-latency</InfoPruneExtraArguments>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="InfoPrune.MSBuild" Version="{version}" PrivateAssets="all" />
                <PruneModel Include="models/lenet5.onnx" Policy="models/prune.json" MinAccuracy="$(GateMinAccuracy)" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), "System.Console.WriteLine(System.IO.File.Exists(\"models/lenet5.onnx\"));\n");
        // Stop MSBuild's upward search for Directory.Build.* and central package files here.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(folder, name), "<Project />\n");
        return folder;
    }
}
