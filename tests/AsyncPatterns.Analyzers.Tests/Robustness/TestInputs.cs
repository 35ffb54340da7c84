using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using AsyncPatterns.Analyzers.Tests.Meta;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>One C# source the suite already holds, markup removed. <see cref="Context"/> holds
/// documents compiled with it and never mutated (the rest of the sample app, global usings).</summary>
internal sealed record TestInput(string Origin, string Text, ImmutableArray<(string Path, string Text)> Context, IReadOnlyList<MarkupSpan> Spans)
{
    public const string Path = "/0/Test0.cs";

    public override string ToString() => Origin;
}

/// <summary>Collects every C# source the suite holds: the inputs of the rule tests (extracted
/// from the test files with Roslyn, so a new rule's tests are picked up when merged), the C#
/// blocks of the docs pages and the sample apps' files.</summary>
internal static partial class TestInputs
{
    /// <summary>The rule families' test folders; a folder that does not exist yet is skipped.</summary>
    public static readonly ImmutableArray<string> RuleTestFolders = ["Lifetime", "Tasks", "Concurrency", "Transactions", "Sessions"];

    /// <summary>What the Web SDK's implicit usings import, plus EF Core: the docs' snippets and the
    /// sample app are written against them.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private const string GlobalUsingsPath = "/0/GlobalUsings.g.cs";

    private static readonly Lazy<ImmutableArray<TestInput>> LazyAll = new(Collect);

    public static ImmutableArray<TestInput> All => LazyAll.Value;

    private static ImmutableArray<TestInput> Collect()
    {
        var inputs = new List<TestInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string origin, string markup, ImmutableArray<(string, string)> context)
        {
            var parsed = StripMarkup(markup);
            if (parsed is null || !LooksLikeCompilationUnit(parsed.Text) || !seen.Add(parsed.Text))
            {
                return;
            }

            inputs.Add(new TestInput(origin, parsed.Text, context, parsed.Spans));
        }

        var testsRoot = RepositoryRoot.Combine("tests", "AsyncPatterns.Analyzers.Tests");
        foreach (var folder in RuleTestFolders)
        {
            var directory = System.IO.Path.Combine(testsRoot, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = System.IO.Path.GetRelativePath(testsRoot, file).Replace('\\', '/');
                foreach (var (line, text) in StringsIn(File.ReadAllText(file)))
                {
                    Add($"{relative}:{line}", text, []);
                }
            }
        }

        var globalUsings = ImmutableArray.Create((GlobalUsingsPath, GlobalUsings + "\nglobal using Microsoft.EntityFrameworkCore;\n"));
        var docs = RepositoryRoot.Combine("docs", "rules");
        if (Directory.Exists(docs))
        {
            foreach (var page in Directory.GetFiles(docs, "*.md").Order(StringComparer.Ordinal))
            {
                foreach (var (line, block) in CSharpBlocks(File.ReadAllText(page)))
                {
                    Add($"docs/rules/{System.IO.Path.GetFileName(page)}:{line}", block, globalUsings);
                }
            }
        }

        var samples = RepositoryRoot.Combine("samples");
        if (Directory.Exists(samples))
        {
            foreach (var project in Directory.GetFiles(samples, "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var projectDirectory = System.IO.Path.GetDirectoryName(project)!;
                var files = Directory.GetFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
                    .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (Path: "/0/" + System.IO.Path.GetRelativePath(projectDirectory, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
                    .ToList();
                foreach (var file in files)
                {
                    // The sample app is one project: the file under test is mutated, the others
                    // are compiled with it unchanged, under the Web SDK's implicit usings.
                    var context = files.Where(f => f.Path != file.Path)
                        .Append((GlobalUsingsPath, GlobalUsings))
                        .ToImmutableArray();
                    Add("samples/" + System.IO.Path.GetRelativePath(samples, projectDirectory) + file.Path[2..], file.Text, context);
                }
            }
        }

        return [.. inputs];
    }

    /// <summary>Markup removed with the verifier's parser; sources whose markup it rejects are
    /// stripped of the markup tokens by hand.</summary>
    internal static ParsedSource? StripMarkup(string markup)
    {
        try
        {
            return Markup.Parse(TestInput.Path, markup);
        }
        catch (InvalidOperationException)
        {
            var text = MarkupToken().Replace(markup, string.Empty);
            return new ParsedSource(TestInput.Path, text, []);
        }
    }

    /// <summary>Parses as C# and declares a type or a namespace (so not a message, an option
    /// line or a fragment of a statement).</summary>
    internal static bool LooksLikeCompilationUnit(string text)
    {
        if (text.Length < 10)
        {
            return false;
        }

        var root = CSharpSyntaxTree.ParseText(text).GetRoot();
        return root is CompilationUnitSyntax unit
            && unit.Members.Any(m => m is BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax or DelegateDeclarationSyntax)
            && root.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error) <= 3;
    }

    /// <summary>The fenced ```csharp / ```cs blocks of a Markdown page, with the line they start on.</summary>
    internal static IEnumerable<(int Line, string Text)> CSharpBlocks(string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            if (fence is not ("```csharp" or "```cs" or "```c#"))
            {
                continue;
            }

            var start = i + 1;
            var block = new StringBuilder();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                block.Append(lines[i].TrimEnd('\r')).Append('\n');
            }

            yield return (start + 1, block.ToString());
        }
    }

    /// <summary>The strings a test file builds: every outermost string expression (literal, raw,
    /// interpolated, concatenation, helper call) evaluated by <see cref="StringEvaluator"/>.</summary>
    internal static IEnumerable<(int Line, string Text)> StringsIn(string testFile)
    {
        var root = CSharpSyntaxTree.ParseText(testFile).GetRoot();
        var evaluator = new StringEvaluator(root);
        foreach (var expression in root.DescendantNodes().OfType<ExpressionSyntax>())
        {
            if (!IsStringRoot(expression))
            {
                continue;
            }

            var value = evaluator.Evaluate(expression, ImmutableDictionary<string, string>.Empty, 0);
            if (value is not null)
            {
                yield return (expression.GetLocation().GetLineSpan().StartLinePosition.Line + 1, value);
            }
        }
    }

    private static bool IsStringRoot(ExpressionSyntax expression)
        => expression.Parent is ArgumentSyntax or EqualsValueClauseSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax
               or InitializerExpressionSyntax or AssignmentExpressionSyntax or CollectionElementSyntax
           && (expression.Parent is not AssignmentExpressionSyntax assignment || assignment.Right == expression)
           && expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression }
               or InterpolatedStringExpressionSyntax
               or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression }
               or InvocationExpressionSyntax
               or IdentifierNameSyntax;

    [GeneratedRegex(@"\[\||\|\]|\{\|[A-Za-z0-9_.#]+:|\|\}")]
    private static partial Regex MarkupToken();

    /// <summary>Evaluates the string expressions test files are made of, from syntax alone:
    /// literals, concatenation, interpolation, const/static string fields and locals, parameters
    /// bound by a call to an expression-bodied helper (<c>Code(body)</c>), and
    /// <c>string.Replace</c>. A parameter nobody binds (a theory's data) becomes an empty string.</summary>
    private sealed class StringEvaluator(SyntaxNode root)
    {
        private const int MaxDepth = 12;

        private readonly ILookup<string, VariableDeclaratorSyntax> _variables =
            root.DescendantNodes().OfType<VariableDeclaratorSyntax>().ToLookup(v => v.Identifier.ValueText);

        private readonly ILookup<string, MethodDeclarationSyntax> _methods =
            root.DescendantNodes().OfType<MethodDeclarationSyntax>().ToLookup(m => m.Identifier.ValueText);

        public string? Evaluate(ExpressionSyntax expression, ImmutableDictionary<string, string> parameters, int depth)
        {
            if (depth > MaxDepth)
            {
                return null;
            }

            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Evaluate(parenthesized.Expression, parameters, depth + 1);
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    return literal.Token.ValueText;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                    var left = Evaluate(binary.Left, parameters, depth + 1);
                    var right = left is null ? null : Evaluate(binary.Right, parameters, depth + 1);
                    return right is null ? null : left + right;
                case InterpolatedStringExpressionSyntax interpolated:
                    var text = new StringBuilder();
                    foreach (var content in interpolated.Contents)
                    {
                        if (content is InterpolatedStringTextSyntax part)
                        {
                            text.Append(part.TextToken.ValueText);
                        }
                        else if (content is InterpolationSyntax interpolation)
                        {
                            text.Append(Evaluate(interpolation.Expression, parameters, depth + 1) ?? string.Empty);
                        }
                    }

                    return text.ToString();
                case IdentifierNameSyntax identifier:
                    return Lookup(identifier, parameters, depth);
                case InvocationExpressionSyntax invocation:
                    return Invoke(invocation, parameters, depth);
                default:
                    return null;
            }
        }

        private string? Lookup(IdentifierNameSyntax identifier, ImmutableDictionary<string, string> parameters, int depth)
        {
            var name = identifier.Identifier.ValueText;
            if (parameters.TryGetValue(name, out var bound))
            {
                return bound;
            }

            var member = identifier.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            if (member is BaseMethodDeclarationSyntax method && method.ParameterList.Parameters.Any(p => p.Identifier.ValueText == name))
            {
                return string.Empty;
            }

            var declarator = _variables[name]
                .OrderByDescending(v => v.FirstAncestorOrSelf<MemberDeclarationSyntax>() == member)
                .FirstOrDefault(v => v.Initializer is not null);
            return declarator?.Initializer is { } initializer && initializer.Value != identifier
                ? Evaluate(initializer.Value, ImmutableDictionary<string, string>.Empty, depth + 1)
                : null;
        }

        private string? Invoke(InvocationExpressionSyntax invocation, ImmutableDictionary<string, string> parameters, int depth)
        {
            var arguments = invocation.ArgumentList.Arguments;
            if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Replace" } access && arguments.Count == 2)
            {
                var receiver = Evaluate(access.Expression, parameters, depth + 1);
                var oldValue = Evaluate(arguments[0].Expression, parameters, depth + 1);
                var newValue = Evaluate(arguments[1].Expression, parameters, depth + 1);
                return receiver is null || string.IsNullOrEmpty(oldValue) || newValue is null ? receiver : receiver.Replace(oldValue, newValue, StringComparison.Ordinal);
            }

            if (invocation.Expression is not IdentifierNameSyntax name)
            {
                return null;
            }

            foreach (var method in _methods[name.Identifier.ValueText])
            {
                var body = method.ExpressionBody?.Expression
                    ?? (method.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null);
                if (body is null || method.ParameterList.Parameters.Count < arguments.Count)
                {
                    continue;
                }

                var bound = ImmutableDictionary<string, string>.Empty;
                for (var i = 0; i < method.ParameterList.Parameters.Count; i++)
                {
                    var parameter = method.ParameterList.Parameters[i];
                    var argument = i < arguments.Count ? arguments[i] : null;
                    var value = argument is null
                        ? (parameter.Default?.Value is { } defaultValue ? Evaluate(defaultValue, ImmutableDictionary<string, string>.Empty, depth + 1) : null)
                        : Evaluate(argument.Expression, parameters, depth + 1);
                    bound = bound.SetItem(parameter.Identifier.ValueText, value ?? string.Empty);
                }

                return Evaluate(body, bound, depth + 1);
            }

            return null;
        }
    }
}
