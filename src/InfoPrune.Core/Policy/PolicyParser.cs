using InfoPrune.Core.Methods;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy.Json;
using InfoPrune.Core.Policy.Reading;
using InfoPrune.Core.Pruning;

namespace InfoPrune.Core.Policy;

/// <summary>
/// Reads the sections of a policy tree into a <see cref="PrunePolicy"/>, reporting every problem
/// into the context's diagnostics; then checks the rules that span sections. Returns null when
/// anything was reported: a half-valid policy is never handed to the pipeline.
/// </summary>
internal sealed class PolicyParser
{
    private static readonly NamedChoices<DataFormat> FormatNames = new(
        ("idx", DataFormat.Idx), ("npy", DataFormat.Npy), ("npz", DataFormat.Npz), ("auto", DataFormat.Auto));
    private static readonly NamedChoices<CalibrationSource> CalibrationSourceNames = new(
        ("train", CalibrationSource.Train), ("validation", CalibrationSource.Validation));
    private static readonly NamedChoices<OptimizerKind> OptimizerNames = new(
        ("sgd", OptimizerKind.Sgd), ("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW));
    private static readonly NamedChoices<ScheduleKind> ScheduleNames = new(
        ("constant", ScheduleKind.Constant), ("step", ScheduleKind.Step), ("cosine", ScheduleKind.Cosine));
    private static readonly NamedChoices<LayerAllocation> AllocationNames = new(
        ("auto", LayerAllocation.Auto), ("uniform", LayerAllocation.Uniform), ("global", LayerAllocation.Global), ("sensitivity", LayerAllocation.Sensitivity));

    private static readonly NamedChoices<BatchNormMode> BatchNormNames = new(("auto", BatchNormMode.Auto), ("off", BatchNormMode.Off));

    private const string DatasetExpected = "an object with \"images\" and \"labels\" file paths";

    private readonly PolicyReadContext _context;

    private PolicyParser(PolicyReadContext context) => _context = context;

    public static PrunePolicy? Parse(JsonSourceNode root, PolicyReadContext context, string sourcePath) =>
        new PolicyParser(context).ParseRoot(root, sourcePath);

    private PrunePolicy? ParseRoot(JsonSourceNode root, string sourcePath)
    {
        if (root is not JsonObjectNode rootObject)
        {
            _context.Error(PolicyErrors.NotAnObject,
                $"a policy is a JSON object {{ \"version\": 1, ... }}, found {root.Describe()}", root);
            return null;
        }

        var reader = new PolicyObjectReader(_context, rootObject, path: "", schemaPath: "");
        if (!ReadVersion(reader)) return null;
        reader.OptionalString("$schema", "the path or URL of the policy JSON Schema");

        var dataReader = reader.Object("data", required: true, "an object with \"train\", \"validation\" and more");
        var data = dataReader is null ? null : ReadData(dataReader);
        var method = ReadMethod(reader);
        var (targetReader, target) = ReadTargetSection(reader);
        var constraintsReader = reader.Object("constraints", false, "an object");
        var constraints = constraintsReader is { } c ? ReadConstraints(c) : ConstraintsPolicy.Default;
        var fineTune = reader.Object("fineTune", false, "an object") is { } f ? ReadFineTune(f) : FineTunePolicy.Default;
        var gate = reader.Object("gate", false, "an object") is { } g ? ReadGate(g) : GatePolicy.Default;
        var latency = reader.Object("latency", false, "an object") is { } l ? ReadLatency(l) : LatencyPolicy.Default;
        var seed = reader.Integer("seed", 0, 0);
        var steps = reader.Integer("steps", 1, 1, PrunePolicy.MaxSteps);
        reader.Finish();

        CheckTrainDataIsGivenWhenNeeded(dataReader, data, fineTune);
        CheckRatioWithinMaxRatio(targetReader, target, constraints);
        CheckAllocationHasBudget(constraintsReader, target, constraints);
        CheckDistillationHasEpochs(reader, fineTune);
        CheckAutoTarget(reader, target, method, steps);

        if (_context.Diagnostics.HasErrors || data is null || method is null || target is null) return null;
        return new PrunePolicy
        {
            SourcePath = sourcePath,
            Data = data,
            Method = MethodCatalog.Settle(method, fineTune),
            Target = target,
            Constraints = constraints,
            FineTune = fineTune,
            Gate = gate,
            Latency = latency,
            Seed = seed,
            Steps = steps,
        };
    }

    /// <summary>
    /// False when the file declares another version: its keys follow other rules, so listing them
    /// as unknown would bury the one message that matters.
    /// </summary>
    private bool ReadVersion(PolicyObjectReader reader)
    {
        var property = reader.Property("version");
        if (property is null)
        {
            reader.ReportMissing("version", $"{PrunePolicy.CurrentVersion}, the policy format version");
            return true;
        }
        if (property.Value is JsonScalarNode { Kind: JsonScalarKind.Integer or JsonScalarKind.Float } number)
        {
            if (number.Value is long v && v == PrunePolicy.CurrentVersion || number.Value is double d && d == PrunePolicy.CurrentVersion)
                return true;
            reader.Error(PolicyErrors.UnsupportedVersion, number,
                $"version: this tool reads policy version {PrunePolicy.CurrentVersion}, found {number.Describe()}");
            return false;
        }
        reader.Values.WrongType(property.Value, "version", $"the integer {PrunePolicy.CurrentVersion}");
        return true;
    }

    private DataPolicy? ReadData(PolicyObjectReader reader)
    {
        var format = reader.Choice("format", DataFormat.Auto, FormatNames);
        var train = reader.Object("train", false, DatasetExpected) is { } t ? ReadDataset(t) : null;
        var validationReader = reader.Object("validation", required: true, DatasetExpected);
        var validation = validationReader is null ? null : ReadDataset(validationReader);
        var calibration = reader.Object("calibration", false, "an object") is { } c ? ReadCalibration(c) : CalibrationPolicy.Default;
        var preprocess = reader.Object("preprocess", false, "an object") is { } p
            ? ReadPreprocess(p) with { Line = reader.Property("preprocess")!.Line, Column = reader.Property("preprocess")!.Column }
            : PreprocessPolicy.Default;
        reader.Finish();
        if (format != DataFormat.Auto && reader.Context.CheckFiles)
        {
            CheckFormat(reader, format, "train", train);
            CheckFormat(reader, format, "validation", validation);
        }

        if (validation is null) return null;
        return new DataPolicy
        {
            Format = format,
            Train = train,
            Validation = validation,
            Calibration = calibration,
            Preprocess = preprocess,
        };
    }

    /// <summary>A format the files do not have would be ignored by the readers (they go by content): refuse it at the key.</summary>
    private static void CheckFormat(PolicyObjectReader reader, DataFormat format, string split, DatasetFiles? files)
    {
        if (files is null) return;
        var wanted = format switch { DataFormat.Idx => Data.DataFileFormat.Idx, DataFormat.Npy => Data.DataFileFormat.Npy, _ => Data.DataFileFormat.Npz };
        foreach (var (role, path) in new[] { ("images", files.Images), ("labels", files.Labels) }.Distinct())
        {
            Data.DataFileFormat actual;
            try
            {
                actual = Data.DataFileFormatDetector.Detect(path);
            }
            catch (InfoPruneException)
            {
                continue; // opening the data reports what is wrong with the file itself
            }
            if (actual == wanted) continue;
            reader.Error(Data.DataErrors.FormatMismatch, reader.Property("format")!.Value,
                $"{reader.PathOf("format")}: is \"{format.ToString().ToLowerInvariant()}\", but {reader.PathOf(split)}.{role} ('{path}') is an " +
                $"{actual.ToString().ToUpperInvariant()} file; set \"format\" to \"{actual.ToString().ToLowerInvariant()}\" or \"auto\"");
        }
    }

    private static DatasetFiles? ReadDataset(PolicyObjectReader reader)
    {
        var images = reader.FilePath("images");
        var labels = reader.FilePath("labels");
        var imagesArray = reader.OptionalString("imagesArray", "the name of an array in the images NPZ archive");
        var labelsArray = reader.OptionalString("labelsArray", "the name of an array in the labels NPZ archive");
        reader.Finish();
        return images is null || labels is null ? null : new DatasetFiles(images, labels, imagesArray, labelsArray);
    }

    private static CalibrationPolicy ReadCalibration(PolicyObjectReader reader)
    {
        var calibration = new CalibrationPolicy
        {
            From = reader.Choice("from", CalibrationSource.Train, CalibrationSourceNames),
            Samples = reader.Integer("samples", CalibrationPolicy.Default.Samples, 1),
        };
        reader.Finish();
        return calibration;
    }

    private static PreprocessPolicy ReadPreprocess(PolicyObjectReader reader)
    {
        var defaults = PreprocessPolicy.Default;
        var preprocess = new PreprocessPolicy
        {
            Scale = reader.OptionalNumber("scale", NumberRule.Positive),
            Mean = reader.NumberArray("mean", NumberRule.Any, 1) ?? defaults.Mean,
            Std = reader.NumberArray("std", NumberRule.Positive, 1) ?? defaults.Std,
        };
        reader.Finish();

        // One value broadcasts over all channels; two lists of different lengths cannot both be right.
        if (preprocess.Mean.Length > 1 && preprocess.Std.Length > 1 && preprocess.Mean.Length != preprocess.Std.Length)
            reader.Error(PolicyErrors.ConflictingValues, reader.Property("std")!.Value,
                $"{reader.PathOf("std")}: has {preprocess.Std.Length} channels but mean has {preprocess.Mean.Length}; give one value or one per channel in both");
        return preprocess;
    }

    private MethodPolicy? ReadMethod(PolicyObjectReader root)
    {
        var nameReader = root.Object("method", required: true, "an object with a \"name\" and that method's parameters");
        if (nameReader is null) return null;

        var nameProperty = nameReader.Property("name");
        if (nameProperty is null)
        {
            nameReader.ReportMissing("name", "one of " + string.Join(", ", MethodCatalog.Names));
            return null;
        }
        var name = nameReader.Values.String(nameProperty.Value, "method.name", "a method name");
        if (name is null) return null;
        if (!MethodCatalog.TryGet(name, out var definition))
        {
            // Without a known method its parameters cannot be judged, so they are not reported.
            nameReader.Error(PolicyErrors.UnknownMethod, nameProperty.Value,
                $"method.name: unknown method {nameProperty.Value.Describe()}; known methods: {string.Join(", ", MethodCatalog.Names)}" +
                KeySuggestion.Hint(name, MethodCatalog.Names));
            return null;
        }

        var parametersReader = new PolicyObjectReader(_context, nameReader.Node, "method", $"method({name})");
        parametersReader.Property("name");
        return new MethodPolicy(name, definition.Parse(parametersReader));
    }

    /// <summary><c>target</c>: the string <c>"auto"</c>, or an object with one fraction.</summary>
    private static (PolicyObjectReader? Reader, TargetPolicy? Target) ReadTargetSection(PolicyObjectReader root)
    {
        const string expected = "\"auto\" (the method decides each layer's ratio) or an object with one of \"ratio\", \"macs\", \"params\", \"latency\"";
        if (root.Property("target")?.Value is JsonScalarNode { Kind: JsonScalarKind.String, Value: string text } word)
        {
            if (text == "auto") return (null, TargetPolicy.Auto);
            root.Error(PolicyErrors.InvalidValue, word, $"target: {word.Describe()} is not allowed; expected {expected}");
            return (null, null);
        }
        var reader = root.Object("target", required: true, expected);
        return (reader, reader is null ? null : ReadTarget(reader));
    }

    /// <summary>
    /// <c>"target": "auto"</c> needs a method that decides its own ratios, and one step (each step
    /// of an iterative run cuts a share of a budget, and "auto" has none to share).
    /// </summary>
    private void CheckAutoTarget(PolicyObjectReader root, TargetPolicy? target, MethodPolicy? method, int steps)
    {
        if (target is not { Kind: TargetKind.Auto }) return;
        var at = root.Property("target")!.Value;
        if (method is not null && MethodCatalog.TryGet(method.Name, out var definition) && !definition.DecidesRatios)
            _context.Error(PolicyErrors.ConflictingValues,
                $"target: \"auto\" lets the method decide each layer's ratio, but {method.Name} ranks channels and needs a budget; " +
                $"give target.macs, target.params, target.ratio or target.latency, or use a method that decides its ratios " +
                $"({string.Join(", ", MethodCatalog.RatioDecidingNames.DefaultIfEmpty("none in this build"))})", at);
        if (steps > 1)
            _context.Error(PolicyErrors.ConflictingValues,
                $"steps: {steps} steps each cut a share of a budget, but target \"auto\" has none; use one step or give a budget", at);
    }

    private static TargetPolicy? ReadTarget(PolicyObjectReader reader)
    {
        var given = new List<(JsonSourceProperty Key, TargetKind Kind, double? Fraction)>();
        foreach (var (key, kind) in new[] { ("ratio", TargetKind.Ratio), ("macs", TargetKind.Macs), ("params", TargetKind.Params), ("latency", TargetKind.Latency) })
        {
            var fraction = reader.OptionalNumber(key, NumberRule.PositiveFraction);
            if (reader.Property(key) is { } property) given.Add((property, kind, fraction));
        }
        reader.Finish();

        if (given.Count == 0)
        {
            reader.Error(PolicyErrors.MissingKey, reader.Node,
                "target: expected exactly one of \"ratio\" (channels kept per group), \"macs\", \"params\" or \"latency\" (fraction of the model kept), found none");
            return null;
        }
        foreach (var extra in given.Skip(1))
            reader.Context.Error(PolicyErrors.ConflictingValues,
                $"target.{extra.Key.Name}: only one target is allowed, and \"{given[0].Key.Name}\" is already set",
                extra.Key.Line, extra.Key.Column);
        return given[0].Fraction is { } f ? new TargetPolicy(given[0].Kind, f) : null;
    }

    private static ConstraintsPolicy ReadConstraints(PolicyObjectReader reader)
    {
        var defaults = ConstraintsPolicy.Default;
        var constraints = new ConstraintsPolicy
        {
            MinChannels = reader.Integer("minChannels", defaults.MinChannels, 1),
            MaxRatio = reader.Number("maxRatio", defaults.MaxRatio, NumberRule.Fraction),
            Exclude = ReadExclude(reader),
            RoundTo = ReadRoundTo(reader),
            Allocation = reader.Choice("allocation", defaults.Allocation, AllocationNames),
        };
        reader.Finish();
        return constraints;
    }

    /// <summary><c>roundTo</c>: a multiple (1 to 4096) or <c>"auto"</c> (null), the default.</summary>
    private static int? ReadRoundTo(PolicyObjectReader reader) =>
        reader.NumberUnlessWord("roundTo", "auto", "\"auto\" (widths measured fast on this machine) or an integer from 1 to 4096") is { } number
            ? reader.Values.Integer(number, reader.PathOf("roundTo"), 1, 4096)
            : null;

    private static ImmutableArray<NodeSelector> ReadExclude(PolicyObjectReader reader)
    {
        const string expected = "a node name or a /regular expression/";
        var property = reader.Property("exclude");
        if (property is null) return ImmutableArray<NodeSelector>.Empty;
        if (property.Value is not JsonArrayNode array)
        {
            reader.Values.WrongType(property.Value, reader.PathOf("exclude"), $"an array of strings, each {expected}");
            return ImmutableArray<NodeSelector>.Empty;
        }

        var selectors = ImmutableArray.CreateBuilder<NodeSelector>();
        for (var i = 0; i < array.Items.Count; i++)
        {
            var path = $"{reader.PathOf("exclude")}[{i}]";
            var item = array.Items[i];
            var text = reader.Values.String(item, path, expected);
            if (text is null) continue;
            if (NodeSelector.Parse(text, out var error) is { } selector) selectors.Add(selector);
            else reader.Error(PolicyErrors.InvalidValue, item, $"{path}: {item.Describe()}: {error}");
        }
        return selectors.ToImmutable();
    }

    private static FineTunePolicy ReadFineTune(PolicyObjectReader reader)
    {
        var defaults = FineTunePolicy.Default;
        var fineTune = new FineTunePolicy
        {
            Epochs = reader.Integer("epochs", defaults.Epochs, 0, 100_000),
            BatchSize = reader.Integer("batchSize", defaults.BatchSize, 1, 1 << 20),
            Optimizer = reader.Object("optimizer", false, "an object with a \"name\"") is { } o ? ReadOptimizer(o) : defaults.Optimizer,
            Schedule = ReadSchedule(reader),
            Distill = reader.Object("distill", false, "an object") is { } d ? ReadDistill(d) : defaults.Distill,
            BatchNorm = reader.Choice("batchNorm", defaults.BatchNorm, BatchNormNames),
        };
        reader.Finish();
        return fineTune;
    }

    private static OptimizerPolicy ReadOptimizer(PolicyObjectReader reader)
    {
        var kind = reader.Choice("name", OptimizerKind.Adam, OptimizerNames);
        var defaults = OptimizerPolicy.ForKind(kind);
        var optimizer = defaults with
        {
            Lr = reader.Number("lr", defaults.Lr, NumberRule.Positive),
            Momentum = reader.Number("momentum", defaults.Momentum, new NumberRule(0, 1, MaxExclusive: true)),
            Nesterov = reader.Boolean("nesterov", defaults.Nesterov),
            WeightDecay = reader.Number("weightDecay", defaults.WeightDecay, NumberRule.NonNegative),
        };
        reader.Finish();

        if (kind != OptimizerKind.Sgd)
        {
            foreach (var key in new[] { "momentum", "nesterov" })
                if (reader.Property(key) is { } property)
                    reader.Context.Error(PolicyErrors.ConflictingValues,
                        $"{reader.PathOf(key)}: applies only to \"sgd\", but the optimizer is \"{OptimizerNames.NameOf(kind)}\"",
                        property.Line, property.Column);
        }
        else if (optimizer.Nesterov && optimizer.Momentum == 0 && reader.Property("nesterov") is { } nesterov)
        {
            reader.Error(PolicyErrors.ConflictingValues, nesterov.Value,
                $"{reader.PathOf("nesterov")}: Nesterov momentum needs momentum > 0, but momentum is 0");
        }
        return optimizer;
    }

    private static SchedulePolicy ReadSchedule(PolicyObjectReader fineTune)
    {
        var property = fineTune.Property("schedule");
        var path = fineTune.PathOf("schedule");
        switch (property?.Value)
        {
            case null:
                return SchedulePolicy.Default;
            case JsonScalarNode { Kind: JsonScalarKind.String } name:
                // The short form: just the name, with default step parameters.
                var kind = fineTune.Values.Choice(name, path, ScheduleNames);
                return SchedulePolicy.Default with { Name = kind ?? ScheduleKind.Constant };
            case JsonObjectNode obj:
                var reader = new PolicyObjectReader(fineTune.Context, obj, path, fineTune.ChildSchemaPath("schedule"));
                var nameKey = reader.Property("name");
                if (nameKey is null) reader.ReportMissing("name", "one of " + string.Join(", ", ScheduleNames.Names));
                var schedule = new SchedulePolicy
                {
                    Name = reader.Choice("name", ScheduleKind.Constant, ScheduleNames),
                    StepSize = reader.Integer("stepSize", SchedulePolicy.Default.StepSize, 1),
                    Gamma = reader.Number("gamma", SchedulePolicy.Default.Gamma, NumberRule.PositiveFraction),
                };
                reader.Finish();
                if (nameKey is not null && schedule.Name != ScheduleKind.Step)
                    foreach (var key in new[] { "stepSize", "gamma" })
                        if (reader.Property(key) is { } stepKey)
                            reader.Context.Error(PolicyErrors.ConflictingValues,
                                $"{reader.PathOf(key)}: applies only to the \"step\" schedule, but the schedule is \"{ScheduleNames.NameOf(schedule.Name)}\"",
                                stepKey.Line, stepKey.Column);
                return schedule;
            case var other:
                fineTune.Values.WrongType(other, path, "a schedule name (\"constant\", \"step\", \"cosine\") or an object with a \"name\"");
                return SchedulePolicy.Default;
        }
    }

    private static DistillPolicy ReadDistill(PolicyObjectReader reader)
    {
        var distill = new DistillPolicy
        {
            Weight = reader.Number("weight", DistillPolicy.Default.Weight, NumberRule.Fraction),
            Temperature = reader.Number("temperature", DistillPolicy.Default.Temperature, NumberRule.Positive),
        };
        reader.Finish();
        return distill;
    }

    private static GatePolicy ReadGate(PolicyObjectReader reader)
    {
        var gate = new GatePolicy
        {
            MinAccuracy = reader.OptionalNumber("minAccuracy", NumberRule.Fraction),
            MaxDrop = reader.Number("maxDrop", GatePolicy.Default.MaxDrop, NumberRule.Fraction),
            MaxLatencyRatio = reader.OptionalNumber("maxLatencyRatio", NumberRule.Positive),
        };
        reader.Finish();
        return gate;
    }

    private static LatencyPolicy ReadLatency(PolicyObjectReader reader)
    {
        var latency = new LatencyPolicy
        {
            BatchSize = reader.Integer("batchSize", LatencyPolicy.Default.BatchSize, 1, 65536),
            Threads = reader.OptionalInteger("threads", 0, 1024),
        };
        reader.Finish();
        return latency;
    }

    private void CheckTrainDataIsGivenWhenNeeded(PolicyObjectReader? dataReader, DataPolicy? data, FineTunePolicy fineTune)
    {
        // Only when "train" is absent: a malformed "train" was reported where it is.
        if (dataReader is null || dataReader.Node.Find("train") is not null) return;
        var reasons = new List<string>();
        if (fineTune.Epochs > 0) reasons.Add($"fineTune.epochs is {fineTune.Epochs}");
        if ((data?.Calibration.From ?? CalibrationSource.Train) == CalibrationSource.Train) reasons.Add("data.calibration.from is \"train\"");
        if (reasons.Count == 0) return;
        _context.Error(PolicyErrors.MissingKey,
            $"data.train: required key is missing; expected {DatasetExpected}, because {string.Join(" and ", reasons)} (defaults count)",
            dataReader.Node);
    }

    private void CheckRatioWithinMaxRatio(PolicyObjectReader? targetReader, TargetPolicy? target, ConstraintsPolicy constraints)
    {
        if (targetReader is null || target is not { Kind: TargetKind.Ratio }) return;
        // A small tolerance, because 1 − 0.9 is 0.09999999999999998 in binary.
        if (target.Fraction >= 1 - constraints.MaxRatio - 1e-12) return;
        _context.Error(PolicyErrors.ConflictingValues,
            $"target.ratio: keeping {NumberRule.Format(target.Fraction)} of each group prunes more than constraints.maxRatio " +
            $"{NumberRule.Format(constraints.MaxRatio)} allows; raise maxRatio or the ratio",
            targetReader.Property("ratio")!.Value);
    }

    /// <summary>
    /// A ratio keeps the same fraction of every group and "auto" leaves each ratio to the method:
    /// neither has a budget to share out, so only "auto" and "uniform" allocations go with them.
    /// </summary>
    private void CheckAllocationHasBudget(PolicyObjectReader? constraintsReader, TargetPolicy? target, ConstraintsPolicy constraints)
    {
        if (constraintsReader is null || target is null || constraints.Allocation is LayerAllocation.Auto or LayerAllocation.Uniform) return;
        if (target.Kind is not (TargetKind.Ratio or TargetKind.Auto)) return;
        var what = target.Kind == TargetKind.Ratio
            ? "target.ratio keeps the same fraction of every group"
            : "target \"auto\" lets the method decide each layer's ratio";
        _context.Error(AllocationErrors.AllocationWithoutBudget,
            $"constraints.allocation: \"{AllocationNames.NameOf(constraints.Allocation)}\" shares a budget between layers, but {what}; " +
            "use a \"macs\", \"params\" or \"latency\" target, or remove constraints.allocation",
            constraintsReader.Property("allocation")!.Value);
    }

    private void CheckDistillationHasEpochs(PolicyObjectReader root, FineTunePolicy fineTune)
    {
        if (!fineTune.Distill.Enabled || fineTune.Epochs > 0) return;
        var at = (JsonSourceNode?)FindPath(root.Node, "fineTune", "distill", "weight") ?? root.Node;
        _context.Error(PolicyErrors.ConflictingValues,
            "fineTune.distill.weight: distillation happens during fine-tuning, but fineTune.epochs is 0", at);
    }

    private static JsonSourceNode? FindPath(JsonObjectNode node, params string[] keys)
    {
        JsonSourceNode? current = node;
        foreach (var key in keys)
            current = (current as JsonObjectNode)?.Find(key)?.Value;
        return current;
    }
}
