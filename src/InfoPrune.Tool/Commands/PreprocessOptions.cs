using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using InfoPrune.Core.Data;

namespace InfoPrune.Tool.Commands;

/// <summary>
/// <c>--scale</c>, <c>--mean</c>, <c>--std</c>: the policy's <c>data.preprocess</c> for the commands
/// that read data without a policy (eval, analyze), so a model trained on normalised inputs is
/// measured on the inputs it expects.
/// </summary>
internal sealed class PreprocessOptions
{
    public Option<double?> Scale { get; } = new("--scale")
    {
        Description = "Multiply stored values by this first (default: 1/255 for uint8 images, 1 for float data).",
    };

    public Option<string[]> Mean { get; } = new("--mean")
    {
        Description = "Subtract after scaling: one value, or one per channel (\"0.485,0.456,0.406\").",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> Std { get; } = new("--std")
    {
        Description = "Divide after subtracting the mean: one value, or one per channel, each > 0.",
        AllowMultipleArgumentsPerToken = true,
    };

    public PreprocessOptions()
    {
        Scale.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !(v > 0))
                result.AddError($"--scale must be greater than 0, not {result.Tokens[0].Value}.");
        });
        Mean.Validators.Add(result => CheckNumbers(result, "--mean", positive: false));
        Std.Validators.Add(result => CheckNumbers(result, "--std", positive: true));
    }

    public IEnumerable<Option> All => [Scale, Mean, Std];

    /// <summary>The preprocessing the command line asks for (defaults where an option is absent).</summary>
    public Preprocessing From(ParseResult parse) => new()
    {
        Scale = parse.GetValue(Scale),
        Mean = Numbers(parse.GetValue(Mean)),
        Std = Numbers(parse.GetValue(Std)),
    };

    private static IReadOnlyList<double>? Numbers(string[]? tokens) =>
        tokens is { Length: > 0 } ? OptionRules.SplitList(tokens).Select(t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray() : null;

    private static void CheckNumbers(OptionResult result, string name, bool positive)
    {
        foreach (var token in OptionRules.SplitList(result.Tokens.Select(t => t.Value)))
        {
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                result.AddError($"{name}: '{token}' is not a number.");
            else if (positive && value <= 0)
                result.AddError($"{name}: {token} must be greater than 0.");
        }
    }
}
