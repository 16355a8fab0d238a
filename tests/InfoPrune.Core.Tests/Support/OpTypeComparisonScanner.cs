using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace InfoPrune.Core.Tests.Support;

/// <summary>
/// Finds C# code that decides something by an op type: comparing a node's <c>OpType</c>
/// (==, !=, is, switch, property patterns, Equals/Contains/StartsWith…), or comparing any string
/// with a known op name, or listing two or more op names (the sets such checks read). It parses
/// the source (comments, string contents and interpolations are told apart from code), so code
/// that only prints an op type is left alone.
/// </summary>
public static class OpTypeComparisonScanner
{
    /// <summary>One place that compares op types.</summary>
    public sealed record Finding(string File, int Line, string Rule, string Code)
    {
        public override string ToString() => $"{File}({Line}): {Rule}: {Code}";
    }

    private static readonly HashSet<string> ComparingMethods = new(StringComparer.Ordinal)
    {
        "Equals", "Contains", "StartsWith", "EndsWith", "Compare", "CompareOrdinal", "IndexOf", "ContainsKey",
    };

    /// <param name="file">The name findings report.</param>
    /// <param name="source">The C# source.</param>
    /// <param name="opNames">The op names (and activation kinds) to recognise in literals; compared case-insensitively.</param>
    public static IReadOnlyList<Finding> Scan(string file, string source, IReadOnlyCollection<string> opNames)
    {
        var names = new HashSet<string>(opNames, StringComparer.OrdinalIgnoreCase);
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var findings = new List<Finding>();
        void Report(SyntaxNode node, string rule) =>
            findings.Add(new Finding(file, node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, rule, Shorten(node.ToString())));

        bool IsOpName(SyntaxNode? node) =>
            node is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression) && names.Contains(literal.Token.ValueText);
        bool HasOpNameConstant(SyntaxNode node) =>
            node.DescendantNodesAndSelf().Any(n => n is ConstantPatternSyntax c && IsOpName(c.Expression) || n is CaseSwitchLabelSyntax l && IsOpName(l.Value));

        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression):
                    if (ReadsOpType(binary.Left) || ReadsOpType(binary.Right)) Report(node, "OpType compared with == or !=");
                    else if (IsOpName(binary.Left) || IsOpName(binary.Right)) Report(node, "string compared with an op name");
                    break;
                case IsPatternExpressionSyntax isPattern:
                    if (ReadsOpType(isPattern.Expression)) Report(node, "OpType matched with 'is'");
                    else if (HasOpNameConstant(isPattern.Pattern)) Report(node, "string matched with an op name");
                    break;
                case SubpatternSyntax subpattern when subpattern.ExpressionColon?.Expression is { } member && ReadsOpType(member):
                    Report(node, "OpType in a property pattern");
                    break;
                case SwitchStatementSyntax statement:
                    if (ReadsOpType(statement.Expression)) Report(node, "switch on OpType");
                    else if (statement.Sections.SelectMany(s => s.Labels).FirstOrDefault(HasOpNameConstant) is { } label) Report(label, "case on an op name");
                    break;
                case SwitchExpressionSyntax expression:
                    if (ReadsOpType(expression.GoverningExpression)) Report(node, "switch on OpType");
                    else if (expression.Arms.FirstOrDefault(a => HasOpNameConstant(a.Pattern)) is { } arm) Report(arm, "switch arm on an op name");
                    break;
                case InvocationExpressionSyntax call when CalledName(call) is { } name && ComparingMethods.Contains(name):
                    var receiver = (call.Expression as MemberAccessExpressionSyntax)?.Expression;
                    if ((receiver != null && (ReadsOpType(receiver) || IsOpName(receiver))) || call.ArgumentList.Arguments.Any(a => ReadsOpType(a.Expression) || IsOpName(a.Expression)))
                        Report(node, $"OpType or an op name compared with {name}");
                    break;
                case InitializerExpressionSyntax or CollectionExpressionSyntax when !node.IsKind(SyntaxKind.ComplexElementInitializerExpression):
                    // Elements of a list, or keys of a dictionary ({ { "Relu", … }, … }, [ "Relu" ] = …).
                    var listed = node.ChildNodes().Select(ElementKey).Count(IsOpName);
                    if (listed >= 2) Report(node, "a list of op names");
                    break;
            }
        }
        return findings;
    }

    /// <summary>
    /// True when the expression reads an <c>OpType</c> (or <c>OpTypes</c>) member, directly or
    /// through calls on it (<c>node.OpType.ToLowerInvariant()</c>, <c>node?.OpType</c>). Interpolated
    /// strings and lambdas are not entered: building a display name is not a comparison, and a
    /// lambda's own comparisons are found where they are.
    /// </summary>
    private static bool ReadsOpType(SyntaxNode expression) =>
        expression.DescendantNodesAndSelf(n => n is not (InterpolatedStringExpressionSyntax or LambdaExpressionSyntax or ArgumentListSyntax))
            .OfType<SimpleNameSyntax>()
            .Any(n => n.Identifier.ValueText is "OpType" or "OpTypes");

    private static SyntaxNode? ElementKey(SyntaxNode element) => element switch
    {
        ExpressionElementSyntax e => e.Expression,
        InitializerExpressionSyntax pair => pair.Expressions.FirstOrDefault(),
        AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax index } => index.ArgumentList.Arguments.FirstOrDefault()?.Expression,
        _ => element,
    };

    private static string? CalledName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        _ => null,
    };

    private static string Shorten(string code)
    {
        var line = string.Join(" ", code.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 120 ? line : line[..117] + "...";
    }
}
