using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using InfoPrune.Core.IO;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;
using InfoPrune.Tool.Tests.Support;

namespace InfoPrune.Tool.Tests;

/// <summary>
/// A corpus of bad inputs, the way a hostile but realistic user makes them: outputs aimed at inputs,
/// broken models, policies and data, wrong arguments. Every case runs the CLI in a folder of its
/// own and checks the documented exit code, one canonical <c>file(line,col): error IPnnnn:</c>
/// line naming the file at fault, no stack trace or exception name, no file left behind, and
/// every input byte-identical afterwards.
/// </summary>
public class BadInputCorpusTests
{
    /// <summary>One case: how to break the inputs, the command line, and what the tool must say.</summary>
    public sealed record Case(string Name, Func<Corpus, string[]> Arrange, int ExitCode, string Code, Func<Corpus, string> FileAtFault,
        string? MessagePart = null, bool SingleLine = false)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] Cases =
    {
        // Outputs aimed at inputs or at each other (point 1).
        new("report-is-the-input-model", c => c.Prune("--out", c.In("out/p.onnx"), "--report", c.Model), 2, "IP0530", c => c.Model, "the input model"),
        new("out-is-the-policy", c => c.Prune("--out", c.Policy), 2, "IP0530", c => c.Policy, "the policy"),
        new("report-is-the-policy", c => c.Prune("--out", c.In("x.onnx"), "--report", c.Policy), 2, "IP0530", c => c.Policy, "the policy"),
        new("out-is-a-data-file", c => c.Prune("--out", c.TrainImages), 2, "IP0530", c => c.TrainImages, "training images"),
        new("out-reaches-the-model-through-dotdot", c => c.Prune("--out", c.In("out/../lenet5.onnx")), 2, "IP0530", c => c.In("out/../lenet5.onnx"), "the input model"),
        new("out-is-a-symlink-to-the-model", c => { File.CreateSymbolicLink(c.In("alias.onnx"), c.Model); return c.Prune("--out", c.In("alias.onnx")); },
            2, "IP0530", c => c.In("alias.onnx"), "the input model"),
        new("out-through-a-symlinked-folder", c => c.Prune("--out", Path.Combine(c.LinkToFolder(), "p.json")), 2, "IP0530", c => c.Folder + "-link", "the policy"),
        new("out-dotdot-out-of-a-symlinked-folder", c => { Directory.CreateDirectory(c.In("data/deep")); var link = c.LinkToFolder("data/deep");
                return c.Prune("--out", Path.Combine(link, "..", "..", "lenet5.onnx")); }, 2, "IP0530", c => c.Folder + "-link", "the input model"),
        new("dependency-file-is-the-model", c => c.Prune("--out", c.In("x.onnx"), "--dependency-file", c.Model), 2, "IP0530", c => c.Model, "dependency file"),
        new("report-is-the-out", c => c.Prune("--out", c.In("same.onnx"), "--report", c.In("same.onnx")), 2, "IP0533", c => c.In("same.onnx"), "same file"),
        new("markdown-report-is-the-json-report", c => c.Prune("--out", c.In("x.onnx"), "--report", c.In("r.md")), 2, "IP0533", c => c.In("r.md"), "markdown report"),
        // Outputs that cannot be written, found before the work starts (point 2).
        new("out-is-a-directory", c => { Directory.CreateDirectory(c.In("out")); return c.Prune("--out", c.In("out")); }, 2, "IP0010", c => c.In("out"), "directory"),
        new("out-below-a-file", c => c.Prune("--out", c.In("p.json/x.onnx")), 2, "IP0011", c => c.In("p.json/x.onnx"), "is a file, not a folder"),
        new("out-in-a-folder-that-takes-no-files", c => c.Prune("--out", "/proc/infoprune-corpus.onnx"), 2, "IP0011", _ => "/proc/infoprune-corpus.onnx"),
        // Models (points 4, 6, 7).
        new("model-missing", c => c.PruneArgs(c.In("absent.onnx"), c.Policy), 2, "IP0001", c => c.In("absent.onnx"), "not found"),
        new("model-is-a-directory", c => { Directory.CreateDirectory(c.In("dir.onnx")); return c.PruneArgs(c.In("dir.onnx"), c.Policy); }, 2, "IP0012", c => c.In("dir.onnx"), "folder"),
        new("inspect-model-is-a-directory", c => new[] { "inspect", c.Folder }, 2, "IP0012", c => c.Folder, "folder"),
        new("model-empty", c => { File.WriteAllBytes(c.In("empty.onnx"), []); return new[] { "inspect", c.In("empty.onnx") }; }, 2, "IP0111", c => c.In("empty.onnx"), "empty"),
        new("model-is-text", c => { File.WriteAllText(c.In("text.onnx"), "this is not a model\n"); return new[] { "inspect", c.In("text.onnx") }; }, 2, "IP0101", c => c.In("text.onnx")),
        new("model-unreadable", c => c.PruneArgs("/proc/self/mem", c.Policy), 2, "IP0013", _ => "/proc/self/mem", "cannot be read"),
        new("inspect-model-without-outputs", c => new[] { "inspect", c.Broken("no-outputs.onnx", m => m.Graph.Output.Clear()) }, 2, "IP0110", c => c.In("no-outputs.onnx"), "no outputs"),
        new("eval-model-without-outputs", c => c.Eval(c.Broken("no-outputs.onnx", m => m.Graph.Output.Clear())), 2, "IP0110", c => c.In("no-outputs.onnx"), "no outputs"),
        new("prune-model-without-outputs", c => c.PruneArgs(c.Broken("no-outputs.onnx", m => m.Graph.Output.Clear()), c.Policy), 2, "IP0110", c => c.In("no-outputs.onnx"), "no outputs"),
        new("inspect-conv-kernel-shape-contradicts-weights", c => new[] { "inspect", c.Broken("kernel.onnx", WrongKernelShape) }, 2, "IP0112", c => c.In("kernel.onnx"), "kernel_shape [3,3]"),
        new("eval-conv-kernel-shape-contradicts-weights", c => c.Eval(c.Broken("kernel.onnx", WrongKernelShape), "--runtime", "ort"), 2, "IP0112", c => c.In("kernel.onnx"), "kernel_shape"),
        new("prune-conv-kernel-shape-contradicts-weights", c => c.PruneArgs(c.Broken("kernel.onnx", WrongKernelShape), c.Policy), 2, "IP0112", c => c.In("kernel.onnx"), "kernel_shape"),
        new("model-weights-hold-nan", c => c.PruneArgs(c.Broken("nan.onnx", m => ScaleLastWeight(m, float.NaN)), c.Policy), 2, "IP0113", c => c.In("nan.onnx"), "NaN"),
        new("model-corrupted-so-runtimes-disagree", c => c.PruneArgs(c.Broken("huge.onnx", m => ScaleLastWeight(m, 1e30f)), c.Policy), 4, "IP0114", c => c.In("huge.onnx"), "before any pruning"),
        new("model-unsupported-operator", c => { var path = c.In("fancy.onnx"); File.WriteAllBytes(path, TempModel.WithTwoUnsupportedOperatorTypes().ToByteArray()); return new[] { "inspect", path }; },
            4, "IP0201", c => c.In("fancy.onnx"), "FancyNorm"),
        // Policies (point 7).
        new("policy-truncated", c => { File.WriteAllText(c.Policy, "{"); return c.Prune(); }, 2, "IP0400", c => c.Policy + "(1,", "ends before its JSON is complete"),
        new("policy-is-a-directory", c => c.PruneArgs(c.Model, c.Folder), 2, "IP0012", c => c.Folder, "folder"),
        new("policy-ratio-nan", c => { c.EditPolicy("\"ratio\": 0.8", "\"ratio\": NaN"); return c.Prune(); }, 2, "IP0400", c => c.Policy + "(", "NaN", SingleLine: true),
        new("policy-mean-has-channels-the-data-lacks", c => { c.EditPolicy("\"calibration\"", "\"preprocess\": { \"mean\": [0.1, 0.2] }, \"calibration\""); return c.Prune(); },
            2, "IP0312", c => c.Policy + "(", "give 1 value"),
        new("policy-format-npz-with-idx-files", c => { c.EditPolicy("\"train\": {", "\"format\": \"npz\", \"train\": {"); return c.Prune(); }, 2, "IP0318", c => c.Policy + "(", "IDX file"),
        new("policy-data-file-missing", c => { File.Delete(c.TrainLabels); return c.Prune(); }, 2, "IP0001", c => c.Policy + "(", "train-lbl.idx"),
        // Data (point 6).
        new("eval-float-images-hold-nan", c => c.Eval(c.Model, "--images", c.FloatImages("nan.npy", bad: 3), "--labels", c.ValLabels), 2, "IP0316", c => c.In("nan.npy"), "the first is sample 3"),
        new("prune-float-images-hold-infinity", c => { c.FloatImages("inf.npy", bad: 5, value: float.PositiveInfinity); c.EditPolicy("val-img.idx", "inf.npy"); return c.Prune(); },
            2, "IP0316", c => c.In("inf.npy"), "the first is sample 5"),
        new("npz-with-two-image-arrays", c => c.Eval(c.Model, "--images", c.TwoImageArchive("two.npz"), "--labels", c.In("two.npz")), 2, "IP0317", c => c.In("two.npz"), "image-shaped arrays"),
        // Arguments (point 5).
        new("min-accuracy-not-a-number", c => c.Prune("--min-accuracy", "abc"), 2, "IP0002", _ => "infoprune", "--min-accuracy"),
        new("min-accuracy-above-one", c => c.Prune("--min-accuracy", "1.5"), 2, "IP0002", _ => "infoprune", "--min-accuracy"),
        new("unknown-option", c => c.Prune("--bogus"), 2, "IP0014", _ => "infoprune", "--bogus"),
        new("unknown-command", _ => new[] { "prunex" }, 2, "IP0014", _ => "infoprune", "prunex"),
        new("policy-option-missing", c => new[] { "prune", c.Model }, 2, "IP0015", _ => "infoprune", "--policy"),
        new("threads-zero", c => c.Prune("--threads", "0"), 2, "IP0002", _ => "infoprune", "--threads"),
        new("limit-negative", c => c.Eval(c.Model, "--limit", "-5"), 2, "IP0002", _ => "infoprune", "--limit"),
        new("batch-size-zero", c => c.Eval(c.Model, "--batch-size", "0"), 2, "IP0002", _ => "infoprune", "--batch-size"),
        new("std-zero", c => c.Eval(c.Model, "--std", "0"), 2, "IP0002", _ => "infoprune", "--std"),
        new("runtime-unknown", c => c.Eval(c.Model, "--runtime", "tpu"), 2, "IP0002", _ => "infoprune", "tpu"),
        new("layers-bad-regex", c => new[] { "analyze", c.Model, "--images", c.ValImages, "--labels", c.ValLabels, "--layers", "/[/" }, 2, "IP0002", _ => "infoprune", "--layers"),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BadInputGetsItsCodeAndLineAndLeavesEverythingAsItWas(string name)
    {
        var @case = Cases.Single(c => c.Name == name);
        using var corpus = new Corpus();
        var args = @case.Arrange(corpus);
        var before = corpus.Snapshot();

        var result = CliRun.Invoke(args);

        Assert.True(result.ExitCode == @case.ExitCode, $"{name}: expected exit {@case.ExitCode}\n{result}");
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(": error IP", StringComparison.Ordinal)).ToList();
        var canonical = new Regex(@"^(?<file>.+?)(\((?<line>\d+)(,(?<col>\d+))?\))?: error (?<code>IP\d{4}): (?<text>.+)$");
        Assert.All(errors, l => Assert.Matches(canonical, l));
        var expectedFile = @case.FileAtFault(corpus);
        var match = errors.FirstOrDefault(l => l.Contains($"error {@case.Code}:", StringComparison.Ordinal));
        Assert.True(match != null, $"{name}: no {@case.Code} line\n{result}");
        Assert.StartsWith(expectedFile, match);
        if (@case.MessagePart != null) Assert.Contains(@case.MessagePart, match);
        if (@case.SingleLine) Assert.Single(errors);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("System.", result.Error);

        // Nothing written, nothing half-written, nothing changed.
        Assert.Equal(before, corpus.Snapshot());
    }

    [Fact]
    public void CorpusCoversEveryClassOfBadInput()
    {
        // Outputs, models, policies, data and arguments: each class has several cases, each its own code.
        Assert.True(Cases.Length >= 45, $"{Cases.Length} cases");
        Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct().Count());
        Assert.True(Cases.Select(c => c.Code).Distinct().Count() >= 20);
    }

    [Fact]
    public void SecondRunWritingTheSameOutputStopsAtOnceAndLeavesTheFirstRunsLock()
    {
        using var corpus = new Corpus();
        var output = corpus.In("shared/out.onnx");
        // A first run holds the outputs it claimed, as it would during its fine-tune.
        using var first = OutputSet.Claim(new[] { new RunFile(output, "the pruned model") }, Array.Empty<RunFile>());
        var before = corpus.Snapshot();

        var result = CliRun.Invoke(corpus.Prune("--out", output));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith(output + ": error IP0534: another InfoPrune run is writing", result.Error.Split('\n').Single(l => l.Contains("error IP")));
        Assert.Equal(before, corpus.Snapshot());
    }

    [Fact]
    public void OutputClaimReleasedLeavesNoLockFileAndNoFolderItMade()
    {
        using var corpus = new Corpus();
        var before = corpus.Snapshot();
        using (OutputSet.Claim(new[] { new RunFile(corpus.In("new/deeper/out.onnx"), "the pruned model") }, Array.Empty<RunFile>()))
            Assert.True(Directory.Exists(corpus.In("new/deeper")));
        Assert.Equal(before, corpus.Snapshot());
        Assert.False(Directory.Exists(corpus.In("new")));
    }

    [Fact]
    public void SigtermDuringFineTuningExitsTwoWithIp0004AndLeavesNothing()
    {
        using var corpus = new Corpus(trainSamples: 2048);
        corpus.EditPolicy("\"epochs\": 1", "\"epochs\": 50");
        var output = corpus.In("out/pruned.onnx");
        var before = corpus.Snapshot();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "dotnet-infoprune.dll") }.Concat(corpus.Prune("--out", output))) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = new StringBuilder();
        using var training = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (error) error.AppendLine(e.Data);
            if (e.Data.Contains("[fine-tune]", StringComparison.Ordinal)) training.Set();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(training.Wait(TimeSpan.FromMinutes(3)), "fine-tuning never started:\n" + error);

        using (var kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString() })) kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) process.Kill(entireProcessTree: true);
        process.WaitForExit();

        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}\n{error}");
        Assert.Contains("infoprune: error IP0004: cancelled", error.ToString());
        Assert.Equal(before, corpus.Snapshot());
    }

    [Fact]
    public void CalibrationSamplesBeyondTheDataIsAWarningAndTheRunGoesOn()
    {
        using var corpus = new Corpus();
        corpus.EditPolicy("\"name\": \"l1\"", "\"name\": \"mutual-information\"");
        corpus.EditPolicy("\"samples\": 128", "\"samples\": 5000");

        var result = CliRun.Invoke(corpus.Prune("--out", corpus.In("out.onnx")));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(corpus.Policy + ": warning IP0319: data.calibration.samples is 5000, but the training data holds only 256 samples", result.Error);
    }

    private static void WrongKernelShape(ModelProto model)
    {
        var conv = model.Graph.Node.First(n => n.OpType == "Conv");
        var kernel = conv.Attribute.First(a => a.Name == "kernel_shape");
        kernel.Ints.Clear();
        kernel.Ints.Add(new long[] { 3, 3 });
    }

    /// <summary>Multiplies the last Gemm's weight by <paramref name="factor"/> (NaN poisons it).</summary>
    private static void ScaleLastWeight(ModelProto model, float factor)
    {
        var gemm = model.Graph.Node.Last(n => n.OpType == "Gemm");
        var list = model.Graph.Initializer;
        var index = list.ToList().FindIndex(t => t.Name == gemm.Input[1]);
        var tensor = OnnxTensor.FromProto(list[index], null, null);
        var values = tensor.ToFloatArray().Select(v => v * factor).ToArray();
        list[index] = OnnxTensor.FromFloats(tensor.Name, tensor.Shape.ToArray(), values).ToProto(list[index]);
    }

    /// <summary>A folder with a valid model, policy and small data, that each case breaks in its own way.</summary>
    public sealed class Corpus : IDisposable
    {
        public Corpus(int trainSamples = 256)
        {
            Folder = PathIdentity.Canonical(Directory.CreateTempSubdirectory("infoprune-corpus").FullName);
            Model = In("lenet5.onnx");
            File.Copy(TestModels.Path("lenet5.onnx"), Model);
            (TrainImages, TrainLabels) = Rename(FashionSubset.Write(Folder, "train", trainSamples), "train");
            (ValImages, ValLabels) = Rename(FashionSubset.Write(Folder, "t10k", 200), "val");
            Policy = In("p.json");
            File.WriteAllText(Policy, """
                {
                  "version": 1,
                  "data": {
                    "train": { "images": "train-img.idx", "labels": "train-lbl.idx" },
                    "validation": { "images": "val-img.idx", "labels": "val-lbl.idx" },
                    "calibration": { "from": "train", "samples": 128 }
                  },
                  "method": { "name": "l1" },
                  "target": { "ratio": 0.8 },
                  "fineTune": { "epochs": 1, "batchSize": 64 },
                  "gate": { "minAccuracy": 0.0, "maxDrop": 1.0 },
                  "seed": 1
                }
                """);
        }

        public string Folder { get; }
        public string Model { get; }
        public string Policy { get; }
        public string TrainImages { get; }
        public string TrainLabels { get; }
        public string ValImages { get; }
        public string ValLabels { get; }

        public string In(string relative) => Path.Combine(Folder, relative);

        /// <summary>A symbolic link beside the folder (outside it, so snapshots do not walk it) to a folder inside it.</summary>
        public string LinkToFolder(string inside = "")
        {
            var link = Folder + "-link";
            Directory.CreateSymbolicLink(link, In(inside));
            return link;
        }

        public string[] Prune(params string[] extra) => PruneArgs(Model, Policy, extra);

        public string[] PruneArgs(string modelPath, string policyPath, params string[] extra) =>
            new[] { "prune", modelPath, "--policy", policyPath, "--no-latency", "--threads", "1" }
                .Concat(extra.Any(e => e == "--out") ? extra : extra.Concat(new[] { "--out", In("pruned.onnx") })).ToArray();

        public string[] Eval(string model, params string[] extra)
        {
            var args = new List<string> { "eval", model };
            if (!extra.Contains("--images")) args.AddRange(new[] { "--images", ValImages, "--labels", ValLabels });
            args.AddRange(extra);
            return args.ToArray();
        }

        public void EditPolicy(string find, string replace)
        {
            var text = File.ReadAllText(Policy);
            Assert.Contains(find, text);
            File.WriteAllText(Policy, text.Replace(find, replace));
        }

        /// <summary>Writes lenet5 with <paramref name="edit"/> applied as <paramref name="name"/>.</summary>
        public string Broken(string name, Action<ModelProto> edit)
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Model));
            edit(model);
            var path = In(name);
            File.WriteAllBytes(path, model.ToByteArray());
            return path;
        }

        /// <summary>The validation images as float32 NPY [N,1,28,28] in [0,1], with sample <paramref name="bad"/> holding <paramref name="value"/>.</summary>
        public string FloatImages(string name, int bad, float value = float.NaN)
        {
            var pixels = File.ReadAllBytes(ValImages)[16..];
            var values = pixels.Select(p => p / 255f).ToArray();
            values[bad * 784 + 100] = value;
            var path = In(name);
            File.WriteAllBytes(path, Npy("<f4", new[] { 200, 1, 28, 28 }, values.SelectMany(BitConverter.GetBytes).ToArray()));
            return path;
        }

        /// <summary>An NPZ with two image-shaped arrays and the labels, as numpy.savez(x=..., x_aug=..., y=...) writes it.</summary>
        public string TwoImageArchive(string name)
        {
            var pixels = File.ReadAllBytes(ValImages)[16..];
            var labels = File.ReadAllBytes(ValLabels)[8..];
            var path = In(name);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                Add(zip, "x.npy", Npy("|u1", new[] { 200, 28, 28 }, pixels));
                Add(zip, "x_aug.npy", Npy("|u1", new[] { 200, 28, 28 }, pixels.Reverse().ToArray()));
                Add(zip, "y.npy", Npy("|u1", new[] { 200 }, labels));
            }
            return path;
        }

        /// <summary>Every file under the folder (hidden ones included) with a hash of its bytes.</summary>
        public SortedDictionary<string, string> Snapshot() =>
            new(Directory.EnumerateFileSystemEntries(Folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(p => new FileInfo(p).LinkTarget == null)
                .ToDictionary(p => Path.GetRelativePath(Folder, p),
                    Fingerprint), StringComparer.Ordinal);

        // A lock file held by a run cannot be opened again (the open asks for a shared lock).
        private static string Fingerprint(string path)
        {
            if (!File.Exists(path)) return "<dir>";
            try { return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))); }
            catch (IOException) { return $"<locked, {new FileInfo(path).Length} bytes>"; }
        }

        public void Dispose()
        {
            try { if (new FileInfo(Folder + "-link").LinkTarget != null) File.Delete(Folder + "-link"); } catch (IOException) { }
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }

        private (string, string) Rename((string Images, string Labels) files, string prefix)
        {
            var images = In($"{prefix}-img.idx");
            var labels = In($"{prefix}-lbl.idx");
            File.Move(files.Images, images);
            File.Move(files.Labels, labels);
            return (images, labels);
        }

        private static void Add(ZipArchive zip, string name, byte[] bytes)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }

        private static byte[] Npy(string descr, int[] shape, byte[] data)
        {
            var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
            var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
            var total = 10 + header.Length + 1;
            header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
            var bytes = new List<byte> { 0x93 };
            bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
            bytes.AddRange(new byte[] { 1, 0 });
            bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
            bytes.AddRange(Encoding.ASCII.GetBytes(header));
            bytes.AddRange(data);
            return bytes.ToArray();
        }
    }
}
