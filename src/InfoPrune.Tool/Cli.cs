using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Tool.Commands;

namespace InfoPrune.Tool;

/// <summary>
/// The <c>infoprune</c> command line. Exit codes: 0 ok, 1 internal error, 2 bad input (including
/// invalid arguments), 3 accuracy gate failed, 4 unsupported model. Problems are printed to the
/// error stream as MSBuild canonical lines (<c>file: error IP0123: text</c>).
/// </summary>
public static class Cli
{
    /// <summary>Runs one command line, writing to the given streams, and returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Run(args, output, error, new DatasetOpener());

    internal static int Run(string[] args, TextWriter output, TextWriter error, IDatasetOpener datasets)
    {
        var rich = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var context = new ToolContext(output, error, rich, datasets);
        using var stop = context.Stop;
        var globals = new GlobalOptions();
        var root = new RootCommand("InfoPrune: information-theoretic structural pruning of ONNX models.")
        {
            InspectCommand.Create(context, globals),
            EvalCommand.Create(context, globals),
            PruneCommand.Create(context, globals),
            AnalyzeCommand.Create(context, globals),
            SchemaCommand.Create(context),
        };
        globals.AddTo(root);

        ParseResult? parse = null;
        try
        {
            parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                // System.CommandLine's own messages as canonical lines, without the help text: help
                // on stdout would corrupt the output of --json callers, and MSBuild and CI pick up
                // IP lines like every other error.
                foreach (var parseError in parse.Errors)
                    error.WriteLine(new Diagnostic(ParseErrorCode(parse, parseError), parseError.Message).ToCanonicalString());
                return ExitCodes.BadInput;
            }
            // SIGTERM (CI runners, docker stop) and Ctrl+C stop a run the same way.
            using var terminate = OnSignal(PosixSignal.SIGTERM, context, error);
            using var interrupt = OnSignal(PosixSignal.SIGINT, context, error);
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (Unwrap(ex) is OperationCanceledException)
        {
            error.WriteLine(new Diagnostic(GeneralErrors.Cancelled, "cancelled; no output was written").ToCanonicalString());
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (Unwrap(ex) is InfoPruneException known)
        {
            foreach (var diagnostic in known.Diagnostics) error.WriteLine(diagnostic.ToCanonicalString());
            return known.ExitCode;
        }
        catch (Exception ex)
        {
            var debug = (parse?.GetValue(globals.Verbose) ?? args.Contains(globals.Verbose.Name))
                || Environment.GetEnvironmentVariable("INFOPRUNE_DEBUG") == "1";
            var inner = Unwrap(ex);
            // Native errors carry a C++ backtrace after the first line; it helps only when debugging.
            var message = debug ? inner.Message : FirstLine(inner.Message);
            error.WriteLine(new Diagnostic(GeneralErrors.Unexpected, $"{message} ({inner.GetType().Name})").ToCanonicalString());
            if (debug) error.WriteLine(ex);
            return ExitCodes.Internal;
        }
    }

    private static PosixSignalRegistration? OnSignal(PosixSignal signal, ToolContext context, TextWriter error)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, received =>
            {
                if (context.Stop.Cooperative)
                {
                    // The command stops between steps and removes what it started.
                    received.Cancel = true;
                    context.Stop.Request();
                    return;
                }
                // A command that only reads has nothing to clean up: end now, as documented.
                received.Cancel = true;
                error.WriteLine(new Diagnostic(GeneralErrors.Cancelled, $"stopped by {signal}; no output was written").ToCanonicalString());
                error.Flush();
                Environment.Exit(ExitCodes.BadInput);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// The code of one parse error: a token nothing accepts (IP0014), something required that is
    /// absent (IP0015), or a value that is malformed or out of range (IP0002).
    /// </summary>
    private static ErrorCode ParseErrorCode(ParseResult parse, ParseError parseError)
    {
        if (parse.UnmatchedTokens.Any(t => parseError.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            return GeneralErrors.UnknownArgument;
        return parseError.SymbolResult switch
        {
            CommandResult => GeneralErrors.MissingArgument,
            OptionResult { Tokens.Count: 0 } => GeneralErrors.MissingArgument,
            ArgumentResult { Tokens.Count: 0 } => GeneralErrors.MissingArgument,
            _ => GeneralErrors.BadArgument,
        };
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && ex.InnerException != null)
            ex = ex.InnerException;
        return ex;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? text : text[..end];
    }
}
