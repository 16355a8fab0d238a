using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;

namespace InfoPrune.Tool.Commands;

/// <summary>Value rules shared by options, reported as parse errors (exit code 2).</summary>
internal static class OptionRules
{
    /// <summary>Refuses zero and negative numbers.</summary>
    public static void RequirePositive(Option option)
    {
        option.Validators.Add(result =>
        {
            // Read the token rather than the converted value: a token that is not a number at all
            // already has its own parse error, and asking for the value would throw instead.
            if (result.Tokens.Count == 1
                && long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                && value <= 0)
                result.AddError($"{result.IdentifierToken?.Value ?? option.Name} must be a positive number, not {value}.");
        });
    }

    /// <summary>
    /// The option's single token as an integer, or null when it has none or it is not one (that
    /// token already has its own parse error; asking the option for its value would throw instead).
    /// </summary>
    public static long? IntegerToken(OptionResult result) =>
        result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : null;

    /// <summary>Refuses numbers outside [min, max] (and NaN), reading the token as <see cref="IntegerToken"/> does.</summary>
    public static void RequireBetween(Option option, double min, double max, string what)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1
                && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && !(value >= min && value <= max))
                result.AddError($"{result.IdentifierToken?.Value ?? option.Name} must be {what}, not {result.Tokens[0].Value}.");
        });
    }

    /// <summary>The values of list options, which take "a,b" as well as "a b" (and repeats).</summary>
    public static IEnumerable<string> SplitList(IEnumerable<string> tokens) =>
        tokens.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
