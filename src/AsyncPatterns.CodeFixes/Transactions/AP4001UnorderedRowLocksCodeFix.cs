using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Transactions;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Transactions
{
    /// <summary>
    /// AP4001: acquire the row locks in ascending key order.
    /// <list type="bullet">
    /// <item>A pair: lock both rows up front (<c>System.Math</c>, which the simplifier shortens
    /// wherever <c>System</c> is imported, file-level or global, so no using is added), lowest key first
    /// (<c>await Lock(Math.Min(fromId, toId)); await Lock(Math.Max(fromId, toId));</c>), and keep the
    /// original statements. They then re-lock rows the transaction already holds, which waits for
    /// nothing, so every variable keeps its role ("from" is still the row of <c>fromId</c>) and equal
    /// keys still work. Offered only for pure locks (a SELECT ... FOR UPDATE, a user lock method): an
    /// UPDATE or ExecuteUpdate cannot run twice.</item>
    /// <item>A loop: iterate <c>ids.Order()</c> (<c>OrderBy(x =&gt; x)</c> before .NET 7).</item>
    /// <item>A multi-row lock: <c>ORDER BY &lt;key column&gt;</c> before the locking clause, so that rows are locked in key order.</item>
    /// </list>
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP4001UnorderedRowLocksCodeFix))]
    [Shared]
    public sealed class AP4001UnorderedRowLocksCodeFix : CodeFixProvider
    {
        /// <summary>One key for every shape, so that Fix All and <c>dotnet format</c> repair them together.</summary>
        public const string AcquireInOrderKey = "AP4001.AcquireInOrder";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnorderedRowLocks);

        // Several pairs can insert in front of the same statement, and the usings are added once:
        // a document's fixes are applied in one pass.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) => await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!CanFix(root, model, diagnostic, context.CancellationToken))
                {
                    continue;
                }

                var title = diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.ShapeProperty, out var shape) && shape == AP4001UnorderedRowLocksAnalyzer.ShapeMultiRow
                    ? "Lock the rows in key order (ORDER BY)"
                    : "Acquire the row locks in ascending key order";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ApplyAsync(context.Document, new[] { diagnostic }, ct), AcquireInOrderKey),
                    diagnostic);
            }
        }

        private static bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.ShapeProperty, out var shape);
            switch (shape)
            {
                case AP4001UnorderedRowLocksAnalyzer.ShapePair:
                    return FindPair(root, model, diagnostic, cancellationToken) != null;
                case AP4001UnorderedRowLocksAnalyzer.ShapeLoop:
                    return diagnostic.Properties.ContainsKey(AP4001UnorderedRowLocksAnalyzer.OrderOperatorProperty)
                           && Additional(root, diagnostic, 0) is ExpressionSyntax;
                case AP4001UnorderedRowLocksAnalyzer.ShapeMultiRow:
                    return diagnostic.Properties.ContainsKey(AP4001UnorderedRowLocksAnalyzer.OrderByColumnProperty)
                           && Additional(root, diagnostic, 0) is LiteralExpressionSyntax or InterpolatedStringTextSyntax;
                default:
                    return false;
            }
        }

        private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Services);
            var namespaces = new HashSet<string>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.ShapeProperty, out var shape))
                {
                    continue;
                }

                switch (shape)
                {
                    case AP4001UnorderedRowLocksAnalyzer.ShapePair:
                        if (FindPair(root, model, diagnostic, cancellationToken) is { } pair)
                        {
                            FixPair(editor, pair, diagnostic);
                        }

                        break;

                    case AP4001UnorderedRowLocksAnalyzer.ShapeLoop:
                        if (Additional(root, diagnostic, 0) is ExpressionSyntax collection
                            && diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.OrderOperatorProperty, out var order))
                        {
                            editor.ReplaceNode(collection, Ordered(collection, order ?? "Order", model));
                            namespaces.Add("System.Linq");
                        }

                        break;

                    case AP4001UnorderedRowLocksAnalyzer.ShapeMultiRow:
                        if (Additional(root, diagnostic, 0) is { } segment
                            && diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.OrderByColumnProperty, out var column)
                            && column != null
                            && WithOrderBy(segment, column) is { } replacement)
                        {
                            editor.ReplaceNode(segment, replacement);
                        }

                        break;
                }
            }

            var newRoot = editor.GetChangedRoot();
            if (newRoot is CompilationUnitSyntax unit)
            {
                foreach (var name in namespaces.OrderBy(n => n))
                {
                    unit = UsingDirectives.Ensure(unit, name, model);
                }

                newRoot = unit;
            }

            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>The node at the <paramref name="index"/>-th span the analyzer passed in <see cref="AP4001UnorderedRowLocksAnalyzer.SpansProperty"/>.</summary>
        private static SyntaxNode? Additional(SyntaxNode root, Diagnostic diagnostic, int index)
        {
            if (!diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.SpansProperty, out var spans) || spans is null)
            {
                return null;
            }

            var parts = spans.Split(';');
            if (index >= parts.Length)
            {
                return null;
            }

            var fields = parts[index].Split(':');
            if (fields.Length != 2
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return null;
            }

            var span = new TextSpan(start, length);
            return root.FullSpan.Contains(span) ? root.FindNode(span, getInnermostNodeForTie: true) : null;
        }

        private sealed class Pair
        {
            public Pair(StatementSyntax anchor, ExpressionSyntax firstLock, ExpressionSyntax firstKey, ExpressionSyntax secondLock, ExpressionSyntax secondKey)
            {
                Anchor = anchor;
                FirstLock = firstLock;
                FirstKey = firstKey;
                SecondLock = secondLock;
                SecondKey = secondKey;
            }

            public StatementSyntax Anchor { get; }
            public ExpressionSyntax FirstLock { get; }
            public ExpressionSyntax FirstKey { get; }
            public ExpressionSyntax SecondLock { get; }
            public ExpressionSyntax SecondKey { get; }
        }

        private static Pair? FindPair(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.ContainsKey(AP4001UnorderedRowLocksAnalyzer.CompareProperty)
                || Additional(root, diagnostic, 0) is not { } firstInvocation
                || Additional(root, diagnostic, 1) is not ExpressionSyntax firstKey
                || Additional(root, diagnostic, 2) is not ExpressionSyntax secondKey
                || !root.FullSpan.Contains(diagnostic.Location.SourceSpan))
            {
                return null;
            }

            var secondInvocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var anchor = firstInvocation.FirstAncestorOrSelf<StatementSyntax>();
            var secondStatement = secondInvocation.FirstAncestorOrSelf<StatementSyntax>();
            if (anchor?.Parent is not BlockSyntax
                || secondStatement is null
                || LockExpression(anchor) is not { } firstLock
                || LockExpression(secondStatement) is not { } secondLock
                || !firstLock.Span.Contains(firstKey.Span)
                || !secondLock.Span.Contains(secondKey.Span)
                || IsUnawaitedTask(firstLock, model, cancellationToken)
                || IsUnawaitedTask(secondLock, model, cancellationToken))
            {
                return null;
            }

            return new Pair(anchor, firstLock, firstKey, secondLock, secondKey);
        }

        /// <summary>What the statement evaluates to take the lock: <c>await x</c> or <c>x</c>, as a statement of its own.</summary>
        private static ExpressionSyntax? LockExpression(StatementSyntax statement)
        {
            var expression = statement switch
            {
                ExpressionStatementSyntax e => e.Expression,
                LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } d => d.Declaration.Variables[0].Initializer?.Value,
                _ => null,
            };
            return expression is AwaitExpressionSyntax or InvocationExpressionSyntax ? expression : null;
        }

        /// <summary>A copied call that returns a task nobody awaits would run concurrently with the rest: no fix then.</summary>
        private static bool IsUnawaitedTask(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
            => expression is InvocationExpressionSyntax
               && model.GetTypeInfo(expression, cancellationToken).Type is { Name: "Task" or "ValueTask" } type
               && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

        private static void FixPair(SyntaxEditor editor, Pair pair, Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(AP4001UnorderedRowLocksAnalyzer.CompareProperty, out var compare);
            var a = pair.FirstKey.WithoutTrivia();
            var b = pair.SecondKey.WithoutTrivia();
            ExpressionSyntax low;
            ExpressionSyntax high;
            if (compare == AP4001UnorderedRowLocksAnalyzer.CompareMinMax)
            {
                low = MathCall("Min", a, b);
                high = MathCall("Max", a, b);
            }
            else
            {
                // `a.CompareTo(b) <= 0 ? a : b`, parenthesized: inside an interpolation hole a bare ':' starts a format string.
                var aFirst = SyntaxFactory.BinaryExpression(
                    SyntaxKind.LessThanOrEqualExpression,
                    SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Operand(a), SyntaxFactory.IdentifierName("CompareTo")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(b)))),
                    SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0)));
                low = SyntaxFactory.ParenthesizedExpression(SyntaxFactory.ConditionalExpression(aFirst, a, b));
                high = SyntaxFactory.ParenthesizedExpression(SyntaxFactory.ConditionalExpression(aFirst, b, a));
            }

            var lowLock = pair.FirstLock.ReplaceNode(pair.FirstKey, low.WithTriviaFrom(pair.FirstKey)).WithoutTrivia();
            var highLock = pair.SecondLock.ReplaceNode(pair.SecondKey, high.WithTriviaFrom(pair.SecondKey)).WithoutTrivia();

            var indentation = pair.Anchor.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var endOfLine = pair.Anchor.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            if (endOfLine == default)
            {
                endOfLine = SyntaxFactory.ElasticCarriageReturnLineFeed;
            }

            var comment = SyntaxFactory.Comment("// Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.");
            var first = SyntaxFactory.ExpressionStatement(lowLock)
                .WithLeadingTrivia(pair.Anchor.GetLeadingTrivia().Add(comment).Add(endOfLine).Add(indentation))
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation);
            var second = SyntaxFactory.ExpressionStatement(highLock)
                .WithLeadingTrivia(indentation)
                .WithTrailingTrivia(endOfLine)
                .WithAdditionalAnnotations(Formatter.Annotation);

            // The anchor keeps only its indentation: its comments now sit above the inserted locks.
            editor.ReplaceNode(pair.Anchor, (current, _) => current.WithLeadingTrivia(indentation));
            editor.InsertBefore(pair.Anchor, new SyntaxNode[] { first, second });
        }

        private static ExpressionSyntax Operand(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or LiteralExpressionSyntax
                ? expression
                : SyntaxFactory.ParenthesizedExpression(expression);

        private static ExpressionSyntax MathCall(string name, ExpressionSyntax a, ExpressionSyntax b)
            => SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.ParseName("System.Math").WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.IdentifierName(name)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(a), SyntaxFactory.Argument(b) })));

        /// <summary><c>ids</c> → <c>ids.Order()</c>, or <c>ids.OrderBy(x =&gt; x)</c> where Enumerable.Order does not exist.</summary>
        private static ExpressionSyntax Ordered(ExpressionSyntax collection, string order, SemanticModel model)
        {
            var receiver = Operand(collection.WithoutTrivia());
            ArgumentListSyntax arguments;
            if (order == "Order")
            {
                arguments = SyntaxFactory.ArgumentList();
            }
            else
            {
                var name = "x";
                for (var i = 1; model.LookupSymbols(collection.SpanStart, name: name).Any(); i++)
                {
                    name = "x" + i;
                }

                arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)), SyntaxFactory.IdentifierName(name)))));
            }

            return SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(order)),
                    arguments)
                .WithTriviaFrom(collection)
                .WithAdditionalAnnotations(Simplifier.Annotation);
        }

        /// <summary>The literal (or interpolated-string text) with <c>ORDER BY column </c> in front of its locking clause.</summary>
        private static SyntaxNode? WithOrderBy(SyntaxNode segment, string column)
        {
            switch (segment)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                {
                    var token = literal.Token;
                    var text = InsertOrderBy(token.Text, Escape(column, token.Text));
                    var value = InsertOrderBy(token.ValueText, column);
                    if (text is null || value is null)
                    {
                        return null;
                    }

                    return literal.WithToken(SyntaxFactory.Literal(token.LeadingTrivia, text, value, token.TrailingTrivia));
                }

                case InterpolatedStringTextSyntax part:
                {
                    var token = part.TextToken;
                    var start = (part.Parent as InterpolatedStringExpressionSyntax)?.StringStartToken.Text ?? "$\"";
                    var text = InsertOrderBy(token.Text, Escape(column, start));
                    var value = InsertOrderBy(token.ValueText, column);
                    if (text is null || value is null)
                    {
                        return null;
                    }

                    return part.WithTextToken(SyntaxFactory.Token(token.LeadingTrivia, SyntaxKind.InterpolatedStringTextToken, text, value, token.TrailingTrivia));
                }

                default:
                    return null;
            }
        }

        private static string? InsertOrderBy(string sql, string column)
        {
            var index = RowLocks.OrderByInsertionPoint(sql);
            return index < 0 ? null : sql.Substring(0, index) + "ORDER BY " + column + " " + sql.Substring(index);
        }

        /// <summary>A quoted column (<c>"Id"</c>) written inside the C# string it goes into.</summary>
        private static string Escape(string column, string stringStart)
        {
            if (column.IndexOf('"') < 0 || stringStart.Contains("\"\"\""))
            {
                return column;
            }

            return stringStart.Contains("@") ? column.Replace("\"", "\"\"") : column.Replace("\"", "\\\"");
        }
    }
}
