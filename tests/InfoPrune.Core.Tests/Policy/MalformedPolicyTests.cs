using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Policy;

public class MalformedPolicyTests
{
    // Each case is the minimal valid policy with one thing broken; the scenario names it. The
    // expected position is the first character of the offending token (for a missing key: the
    // '{' of the object that should hold it; for a syntax error: where Newtonsoft's reader stops).
    [Theory]
    [InlineData("empty file", "", "IP0400", 1, 1)]
    [InlineData("only whitespace", "  \n\t ", "IP0400", 1, 1)]
    [InlineData("array at top level", """[{"version": 1}]""", "IP0401", 1, 1)]
    [InlineData("number at top level", "  42", "IP0401", 1, 3)]
    [InlineData("missing comma between keys", """
        {"version": 1
        "data": {}}
        """, "IP0400", 2, 1)]
    [InlineData("unterminated string", """
        {"version": 1,
        "seed": "abc
        """, "IP0400", 2, 12)]
    [InlineData("content after the policy object", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}} {}
        """, "IP0400", 4, 26)]
    [InlineData("trailing comma", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        }
        """, "IP0400", 4, 25)]
    [InlineData("comment", """
        // pruning policy
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0400", 1, 1)]
    [InlineData("single-quoted string", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": 'l1'},
        "target": {"ratio": 0.5}}
        """, "IP0400", 3, 20)]
    [InlineData("unquoted key", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        seed: 1}
        """, "IP0400", 5, 1)]
    [InlineData("hexadecimal number", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "seed": 0x1F}
        """, "IP0400", 5, 9)]
    [InlineData("duplicate key", """
        {"version": 1, "version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0402", 1, 16)]
    [InlineData("unknown top-level key", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "seeds": 3}
        """, "IP0403", 5, 1)]
    [InlineData("unknown method parameter", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "entropy", "bits": 1},
        "target": {"ratio": 0.5}}
        """, "IP0403", 3, 31)]
    [InlineData("missing target section", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"}}
        """, "IP0404", 1, 1)]
    [InlineData("target with no fraction", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {}}
        """, "IP0404", 4, 11)]
    [InlineData("missing validation data", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0404", 2, 9)]
    [InlineData("dataset without labels", """
        {"version": 1,
        "data": {"train": {"images": "a"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0404", 2, 19)]
    [InlineData("method without a name", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {},
        "target": {"ratio": 0.5}}
        """, "IP0404", 3, 11)]
    [InlineData("seed as a string", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "seed": "42"}
        """, "IP0405", 5, 9)]
    [InlineData("seed is null", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "seed": null}
        """, "IP0405", 5, 9)]
    [InlineData("version as a string", """
        {"version": "1",
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0405", 1, 13)]
    [InlineData("data section is a number", """
        {"version": 1,
        "data": 5,
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0405", 2, 9)]
    [InlineData("method is an array", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": ["l1"],
        "target": {"ratio": 0.5}}
        """, "IP0405", 3, 11)]
    [InlineData("fractional epochs", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "fineTune": {"epochs": 2.5}}
        """, "IP0405", 5, 24)]
    [InlineData("keep ratio above one", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 1.5}}
        """, "IP0406", 4, 21)]
    [InlineData("negative learning rate", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "fineTune": {"optimizer": {"lr": -1}}}
        """, "IP0406", 5, 34)]
    [InlineData("learning rate overflows a double", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "fineTune": {"optimizer": {"lr": 1e999}}}
        """, "IP0406", 5, 34)]
    [InlineData("seed overflows a long", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "seed": 123456789012345678901234567890}
        """, "IP0406", 5, 9)]
    [InlineData("max drop written as percent", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "gate": {"maxDrop": 2}}
        """, "IP0406", 5, 21)]
    [InlineData("hybrid split of zero", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "hybrid", "split": [0, 1]},
        "target": {"ratio": 0.5}}
        """, "IP0406", 3, 40)]
    [InlineData("optimizer name in the wrong case", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "fineTune": {"optimizer": {"name": "Adam"}}}
        """, "IP0407", 5, 36)]
    [InlineData("invalid exclude regex", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "constraints": {"exclude": ["/(/"]}}
        """, "IP0407", 5, 29)]
    [InlineData("empty data path", """
        {"version": 1,
        "data": {"train": {"images": "", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0407", 2, 30)]
    [InlineData("unsupported version", """
        {"version": 2,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0408", 1, 13)]
    [InlineData("two targets at once", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5, "macs": 0.5}}
        """, "IP0409", 4, 26)]
    [InlineData("momentum given to adam", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "fineTune": {"optimizer": {"name": "adam", "momentum": 0.9}}}
        """, "IP0409", 5, 44)]
    [InlineData("keep ratio below what maxRatio allows", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.05}}
        """, "IP0409", 4, 21)]
    [InlineData("bits and bins together", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "entropy", "quantizer": {"bits": 1, "bins": 4}},
        "target": {"ratio": 0.5}}
        """, "IP0409", 3, 56)]
    [InlineData("training data missing while fine-tuning", """
        {"version": 1,
        "data": {"validation": {"images": "c", "labels": "d"}, "calibration": {"from": "validation"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5}}
        """, "IP0404", 2, 9)]
    [InlineData("roundTo names no rounding mode", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "constraints": {"roundTo": "fast"}}
        """, "IP0407", 5, 28)]
    [InlineData("roundTo is a boolean", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "constraints": {"roundTo": true}}
        """, "IP0405", 5, 28)]
    [InlineData("roundTo of zero", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "constraints": {"roundTo": 0}}
        """, "IP0406", 5, 28)]
    [InlineData("latency target above one", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"latency": 1.5}}
        """, "IP0406", 4, 23)]
    [InlineData("latency ratio gate of zero", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "gate": {"maxLatencyRatio": 0}}
        """, "IP0406", 5, 29)]
    [InlineData("latency batch size of zero", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "latency": {"batchSize": 0}}
        """, "IP0406", 5, 26)]
    [InlineData("unknown key in the latency section", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "latency": {"batch": 8}}
        """, "IP0403", 5, 13)]
    [InlineData("target auto with a method that only ranks channels", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": "auto"}
        """, "IP0409", 4, 11)]
    [InlineData("a target word other than auto", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": "half"}
        """, "IP0407", 4, 11)]
    [InlineData("allocation by sensitivity with a ratio target", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"ratio": 0.5},
        "constraints": {"allocation": "sensitivity"}}
        """, "IP0860", 5, 31)]
    [InlineData("allocation names no way of sharing a budget", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "l1"},
        "target": {"macs": 0.5},
        "constraints": {"allocation": "information"}}
        """, "IP0407", 5, 31)]
    [InlineData("a within-layer magnitude blend with cross-layer ranking", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "mutual-information", "crossLayer": true, "magnitude": "rank"},
        "target": {"ratio": 0.5}}
        """, "IP0870", 3, 75)]
    [InlineData("magnitude names no way of blending", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "entropy", "magnitude": "weights"},
        "target": {"ratio": 0.5}}
        """, "IP0407", 3, 44)]
    [InlineData("unknown method", """
        {"version": 1,
        "data": {"train": {"images": "a", "labels": "b"}, "validation": {"images": "c", "labels": "d"}},
        "method": {"name": "magnitude"},
        "target": {"ratio": 0.5}}
        """, "IP0410", 3, 20)]
    public void MalformedPolicyGetsOneErrorWithCodeLineAndColumn(string scenario, string json, string code, int line, int column)
    {
        var result = Check(json);

        Assert.False(result.IsValid, scenario);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((code, line, column), (diagnostic.Code.Id, diagnostic.Line, diagnostic.Column));
        Assert.Equal(PolicyPath, diagnostic.File);
        Assert.Equal(Severity.Error, diagnostic.Severity);
    }

    [Fact]
    public void SeveralErrorsInOneFileAreAllReportedInLineOrder()
    {
        const string json = """
            {"version": 1,
            "data": {"format": "csv", "train": {"images": "a", "labels": 7}, "validation": {"images": "c", "labels": "d"}},
            "method": {"name": "mutual-information", "quantiser": {"bits": 1}},
            "target": {"ratio": 0},
            "fineTune": {"epochs": -1, "batchsize": 32},
            "gate": {"minAccuracy": 88}}
            """;

        var diagnostics = Check(json).Diagnostics;

        Assert.Equal(
            [
                ("IP0407", 2, 20), // format "csv"
                ("IP0405", 2, 62), // labels 7
                ("IP0403", 3, 42), // quantiser
                ("IP0406", 4, 21), // ratio 0
                ("IP0406", 5, 24), // epochs -1
                ("IP0403", 5, 28), // batchsize
                ("IP0406", 6, 25), // minAccuracy 88
            ],
            diagnostics.Select(d => (d.Code.Id, d.Line, d.Column)));
    }

    [Fact]
    public void ZeroStepsAndAnUnknownBatchNormModeAreBothReportedWithTheirPlaces()
    {
        var json = Minimal[..^1] + """, "steps": 0, "fineTune": {"batchNorm": "always"}}""";

        var diagnostics = Check(json).Diagnostics;

        Assert.Equal(2, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.Message.StartsWith("steps:") && d.Message.Contains("found 0"));
        Assert.Contains(diagnostics, d => d.Message.StartsWith("fineTune.batchNorm:") && d.Message.Contains("\"auto\"") && d.Message.Contains("\"off\""));
        Assert.All(diagnostics, d => Assert.True(d.Line > 0 && d.Column > 0));
    }

    [Fact]
    public void ParseThrowsOneInfoPruneExceptionCarryingEveryDiagnostic()
    {
        var json = Minimal[..^1] + """, "seed": -3, "gate": {"maxDrop": -1}}""";

        var error = Assert.Throws<InfoPruneException>(() => PolicyLoader.Parse(json, PolicyPath, checkFiles: false));

        Assert.Equal(2, error.Diagnostics.Count);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains($"{PolicyPath}(4,35): error IP0406: seed: expected an integer ≥ 0, found -3", error.Message);
    }

    [Fact]
    public void WrongValueMessageNamesThePathWhatWasExpectedAndWhatWasFound()
    {
        var json = Minimal[..^1] + """, "fineTune": {"optimizer": {"lr": -1}}}""";

        var diagnostic = Assert.Single(Check(json).Diagnostics);

        Assert.Equal("fineTune.optimizer.lr: expected a number > 0, found -1", diagnostic.Message);
    }

    [Fact]
    public void UnknownKeyMessageListsTheAllowedKeysAndSuggestsTheClosest()
    {
        var json = Minimal[..^1] + """, "fineTune": {"batch_size": 32}}""";

        var message = Assert.Single(Check(json).Diagnostics).Message;

        Assert.Equal(
            "fineTune.batch_size: unknown key; allowed keys here: epochs, batchSize, optimizer, schedule, distill, batchNorm; did you mean 'batchSize'?",
            message);
    }

    [Fact]
    public void UnknownKeyFarFromEveryAllowedKeyGetsNoSuggestion()
    {
        var json = Minimal[..^1] + """, "gate": {"tolerance": 0.1}}""";

        var message = Assert.Single(Check(json).Diagnostics).Message;

        Assert.EndsWith("allowed keys here: minAccuracy, maxDrop, maxLatencyRatio", message);
    }

    [Fact]
    public void UnknownMethodSuggestsTheClosestRegisteredName()
    {
        var message = Assert.Single(Check(WithMethod("""{"name": "mutual_information"}""")).Diagnostics).Message;

        Assert.Contains("known methods: l1, l2, random,", message);
        Assert.EndsWith("did you mean 'mutual-information'?", message);
    }

    [Fact]
    public void PercentWhereAFractionBelongsGetsAHint()
    {
        var message = Assert.Single(Check(Minimal[..^1] + """, "gate": {"maxDrop": 2}}""").Diagnostics).Message;

        Assert.Equal("gate.maxDrop: expected a number between 0 and 1, found 2; fractions are written 0..1, e.g. 0.02 for 2%", message);
    }

    [Fact]
    public void DuplicateKeyMessagePointsAtTheFirstOccurrence()
    {
        var json = Minimal.Replace("{\"version\": 1,", "{\"version\": 1, \"version\": 1,");

        var message = Assert.Single(Check(json).Diagnostics).Message;

        Assert.Equal("duplicate key 'version': it first appears at line 1, column 2", message);
    }

    [Fact]
    public void NaNIsRejectedOnceAsNonStandardJsonNotAlsoAsTooLarge()
    {
        var json = Minimal.Replace("0.5", "NaN");

        var diagnostic = Assert.Single(Check(json).Diagnostics);

        Assert.Equal("IP0400", diagnostic.Code.Id);
        Assert.Equal((4, 21), (diagnostic.Line, diagnostic.Column));
        Assert.DoesNotContain("too large", diagnostic.Message);
    }

    [Fact]
    public void TruncatedPolicySaysItEndsEarlyNotThatItIsEmpty()
    {
        var diagnostic = Assert.Single(Check("{\n  \"version\": 1,\n").Diagnostics);

        Assert.Equal("IP0400", diagnostic.Code.Id);
        Assert.Equal("the policy file ends before its JSON is complete: the '{' at line 1, column 1 is never closed", diagnostic.Message);
        Assert.Equal(2, diagnostic.Line);
    }

    [Fact]
    public void DeeplyNestedJsonFailsCleanly()
    {
        var json = "{\"version\": 1, \"x\": " + new string('[', 200) + new string(']', 200) + "}";

        var diagnostic = Assert.Single(Check(json).Diagnostics);

        Assert.Equal(PolicyErrors.InvalidJson, diagnostic.Code);
        Assert.Equal(1, diagnostic.Line);
    }

    [Fact]
    public void MissingDataFilesAreReportedAtTheirStringsWithTheResolvedPath()
    {
        using var folder = new TempPolicyFolder();
        folder.Write("data/train-images-idx3-ubyte.gz");
        folder.Write("data/train-labels-idx1-ubyte.gz");
        var policyPath = folder.Write("prune.json", Full);

        var diagnostics = PolicyLoader.CheckFile(policyPath, checkFiles: true).Diagnostics;

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(GeneralErrors.FileNotFound, d.Code));
        Assert.Equal((7, 31), (diagnostics[0].Line, diagnostics[0].Column));
        Assert.Equal((7, 76), (diagnostics[1].Line, diagnostics[1].Column));
        Assert.Equal(
            $"data.validation.images: the file {Path.Combine(folder.Root, "data", "t10k-images-idx3-ubyte.gz")} does not exist",
            diagnostics[0].Message);
    }

    [Fact]
    public void AFolderWhereADataFileBelongsIsReported()
    {
        using var folder = new TempPolicyFolder();
        folder.WriteExampleDataFiles();
        Directory.CreateDirectory(Path.Combine(folder.Root, "folder"));
        var policyPath = folder.Write("prune.json", Full.Replace("data/t10k-labels-idx1-ubyte.gz", "folder"));

        var diagnostic = Assert.Single(PolicyLoader.CheckFile(policyPath, checkFiles: true).Diagnostics);

        Assert.EndsWith("is a folder, not a file", diagnostic.Message);
    }

    [Fact]
    public void EveryTruncationOfAValidPolicyIsReportedAndNeverCrashes()
    {
        // Truncation walks through every state of the reader: inside strings, numbers, keys, nesting.
        for (var length = 0; length < Full.Length; length++)
        {
            var result = Check(Full[..length]);

            Assert.False(result.IsValid, $"prefix of length {length} was accepted");
            Assert.NotEmpty(result.Diagnostics);
            Assert.All(result.Diagnostics, d => Assert.True(d.Line >= 1 && d.Column >= 1, $"{d} at prefix {length}"));
        }
    }

    [Fact]
    public void RandomCorruptionsAreReportedAndNeverCrash()
    {
        var random = new Random(1234);
        const string alphabet = "{}[]:,\"'\\/ 0123456789-+.eE\ntruefalsnul";
        for (var trial = 0; trial < 2000; trial++)
        {
            var chars = Full.ToCharArray();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            var json = new string(chars);

            var result = Check(json);

            Assert.True(result.IsValid || result.Diagnostics.Count > 0, json);
            Assert.All(result.Diagnostics, d => Assert.True(d.Line >= 1 && d.Column >= 1, $"{d}\n{json}"));
        }
    }
}
