using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Sessions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Sessions
{
    /// <summary>
    /// AP5002: set the secure value — <c>HttpOnly = true</c>, <c>Secure = true</c>,
    /// <c>SecurePolicy = CookieSecurePolicy.Always</c>; next to <c>SameSite = SameSiteMode.None</c>
    /// add <c>SecurePolicy = CookieSecurePolicy.Always</c> (or <c>Secure = true</c> on
    /// <c>CookieOptions</c>) in the same initializer, the next statement, or a block made of an
    /// expression-bodied lambda; an over-long <c>IdleTimeout</c> becomes ASP.NET Core's default,
    /// <c>TimeSpan.FromMinutes(20)</c> (or the configured maximum when that is shorter).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP5002InsecureSessionCookieCodeFix))]
    [Shared]
    public sealed class AP5002InsecureSessionCookieCodeFix : CodeFixProvider
    {
        public const string SecureValueKey = "AP5002.SecureValue";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.InsecureSessionCookie);

        // One pass per document: a SameSite fix and a fix inside the same initializer or lambda
        // edit neighbouring nodes, which the batch merger could reject as overlapping.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) =>
                await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!CanFix(root, diagnostic))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        Title(diagnostic),
                        ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                        SecureValueKey),
                    diagnostic);
            }
        }

        private static string Title(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.KindProperty, out var kind);
            switch (kind)
            {
                case "HttpOnly":
                    return "Set HttpOnly = true";
                case "Secure":
                    return "Set Secure = true";
                case "SecurePolicy":
                    return "Set SecurePolicy = CookieSecurePolicy.Always";
                case "SameSite":
                    return diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.SecureMemberProperty, out var member) && member == "Secure"
                        ? "Also set Secure = true"
                        : "Also set SecurePolicy = CookieSecurePolicy.Always";
                default:
                    return "Use a shorter idle timeout";
            }
        }

        private static bool CanFix(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.Properties.ContainsKey(AP5002InsecureSessionCookieAnalyzer.NoFixProperty)
                || FindAssignment(root, diagnostic) is not { } assignment)
            {
                return false;
            }

            diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.KindProperty, out var kind);
            if (kind != "SameSite")
            {
                return kind != "IdleTimeout" || diagnostic.Properties.ContainsKey(AP5002InsecureSessionCookieAnalyzer.IdleSecondsProperty);
            }

            return assignment.Parent is InitializerExpressionSyntax
                   || assignment.Parent is ExpressionStatementSyntax { Parent: BlockSyntax }
                   || (assignment.Parent is LambdaExpressionSyntax lambda && lambda.Body == assignment && assignment.Left is MemberAccessExpressionSyntax);
        }

        private static AssignmentExpressionSyntax? FindAssignment(SyntaxNode root, Diagnostic diagnostic)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            for (var current = node; current != null; current = current.Parent)
            {
                if (current is AssignmentExpressionSyntax assignment && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
                {
                    return assignment.Right.Span == diagnostic.Location.SourceSpan ? assignment : null;
                }

                if (current is StatementSyntax)
                {
                    return null;
                }
            }

            return null;
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var work = new List<(AssignmentExpressionSyntax Assignment, Diagnostic Diagnostic)>();
            foreach (var diagnostic in diagnostics)
            {
                if (CanFix(root, diagnostic) && FindAssignment(root, diagnostic) is { } assignment)
                {
                    work.Add((assignment, diagnostic));
                }
            }

            if (work.Count == 0)
            {
                return document;
            }

            // Value replacements first (they sit inside the nodes that insertions rebuild), then the
            // insertions of a Secure setting, on the tracked tree.
            var tracked = root.TrackNodes(work.Select(w => w.Assignment));
            foreach (var (original, diagnostic) in work.Where(w => Kind(w.Diagnostic) != "SameSite"))
            {
                var assignment = tracked.GetCurrentNode(original);
                var replacement = SecureValue(diagnostic);
                if (assignment is null || replacement is null)
                {
                    continue;
                }

                tracked = tracked.ReplaceNode(
                    assignment.Right,
                    replacement.WithTriviaFrom(assignment.Right).WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation));
            }

            foreach (var (original, diagnostic) in work.Where(w => Kind(w.Diagnostic) == "SameSite"))
            {
                var assignment = tracked.GetCurrentNode(original);
                if (assignment != null)
                {
                    tracked = AddSecureSetting(tracked, assignment, diagnostic);
                }
            }

            return document.WithSyntaxRoot(tracked);
        }

        private static string? Kind(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.KindProperty, out var kind) ? kind : null;

        private static ExpressionSyntax? SecureValue(Diagnostic diagnostic)
        {
            switch (Kind(diagnostic))
            {
                case "HttpOnly":
                case "Secure":
                    return SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression);
                case "SecurePolicy":
                    return AlwaysPolicy();
                case "IdleTimeout" when diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.IdleSecondsProperty, out var text)
                                        && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                                        && seconds > 0:
                    var (factory, amount) = seconds % 3600 == 0 && seconds >= 3600 ? ("FromHours", seconds / 3600)
                        : seconds % 60 == 0 ? ("FromMinutes", seconds / 60)
                        : ("FromSeconds", seconds);
                    var timeSpan = SyntaxFactory.ParseExpression("global::System.TimeSpan").WithAdditionalAnnotations(Simplifier.Annotation);
                    return SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, timeSpan, SyntaxFactory.IdentifierName(factory)),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal((int)System.Math.Min(amount, int.MaxValue)))))));
                default:
                    return null;
            }
        }

        private static ExpressionSyntax AlwaysPolicy()
            => SyntaxFactory.ParseExpression("global::Microsoft.AspNetCore.Http.CookieSecurePolicy.Always").WithAdditionalAnnotations(Simplifier.Annotation);

        private static SyntaxNode AddSecureSetting(SyntaxNode root, AssignmentExpressionSyntax sameSite, Diagnostic diagnostic)
        {
            var secure = diagnostic.Properties.TryGetValue(AP5002InsecureSessionCookieAnalyzer.SecureMemberProperty, out var member) && member == "Secure";
            var name = SyntaxFactory.IdentifierName(secure ? "Secure" : "SecurePolicy");
            ExpressionSyntax value = secure ? SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression) : AlwaysPolicy();

            switch (sameSite.Parent)
            {
                case InitializerExpressionSyntax initializer:
                {
                    var element = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, name, value)
                        .WithAdditionalAnnotations(Simplifier.Annotation);
                    return root.ReplaceNode(initializer, InsertAfter(initializer, sameSite, element));
                }

                case ExpressionStatementSyntax { Parent: BlockSyntax } statement when sameSite.Left is MemberAccessExpressionSyntax access:
                {
                    var target = access.WithName(name).WithoutTrivia();
                    var newStatement = SyntaxFactory.ExpressionStatement(
                            SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, value))
                        .WithLeadingTrivia(Indentation(statement.GetLeadingTrivia()))
                        .WithTrailingTrivia(statement.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return root.InsertNodesAfter(statement, new[] { newStatement });
                }

                case LambdaExpressionSyntax lambda when lambda.Body == sameSite && sameSite.Left is MemberAccessExpressionSyntax access:
                {
                    // o => o.Cookie.SameSite = SameSiteMode.None  becomes a block of two statements,
                    // laid out as the statement holding the lambda is indented.
                    var eol = EndOfLine(root);
                    var outer = Indentation(lambda.FirstAncestorOrSelf<StatementSyntax>()?.GetLeadingTrivia() ?? default);
                    var inner = outer.Add(outer.Any(t => t.ToString().Contains("\t")) ? SyntaxFactory.Tab : SyntaxFactory.Whitespace("    "));
                    var target = access.WithName(name).WithoutTrivia();
                    var block = SyntaxFactory.Block(
                            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(outer).WithTrailingTrivia(eol),
                            SyntaxFactory.List<StatementSyntax>(new[]
                            {
                                SyntaxFactory.ExpressionStatement(sameSite.WithoutTrivia()).WithLeadingTrivia(inner).WithTrailingTrivia(eol),
                                SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, value))
                                    .WithLeadingTrivia(inner).WithTrailingTrivia(eol),
                            }),
                            SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(outer).WithTrailingTrivia(sameSite.GetTrailingTrivia()));
                    var arrow = lambda.ArrowToken.WithTrailingTrivia(eol);
                    var rebuilt = lambda switch
                    {
                        SimpleLambdaExpressionSyntax simple => (LambdaExpressionSyntax)simple.WithArrowToken(arrow).WithBody(block),
                        ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithArrowToken(arrow).WithBody(block),
                        _ => lambda,
                    };
                    return root.ReplaceNode(lambda, rebuilt);
                }

                default:
                    return root;
            }
        }

        private static SyntaxTrivia EndOfLine(SyntaxNode root)
            => root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { } existing && existing.IsKind(SyntaxKind.EndOfLineTrivia)
                ? existing
                : SyntaxFactory.LineFeed;

        /// <summary>The whitespace that indents a statement, without the comments above it.</summary>
        private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
        {
            var result = new List<SyntaxTrivia>();
            for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
            {
                result.Insert(0, leading[i]);
            }

            return SyntaxFactory.TriviaList(result);
        }

        /// <summary>Inserts <paramref name="element"/> after <paramref name="after"/> in an object
        /// initializer, on its own line when the initializer puts one member per line.</summary>
        private static InitializerExpressionSyntax InsertAfter(InitializerExpressionSyntax initializer, ExpressionSyntax after, ExpressionSyntax element)
        {
            var items = initializer.Expressions.GetWithSeparators().ToList();
            var index = items.FindIndex(i => i.IsNode && i.AsNode() == after);
            if (index < 0)
            {
                return initializer;
            }

            var hasSeparator = index + 1 < items.Count && items[index + 1].IsToken;
            var lineBreak = hasSeparator
                ? items[index + 1].AsToken().TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                : after.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                  || initializer.CloseBraceToken.LeadingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                  || after.GetLastToken().GetNextToken().LeadingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var leading = lineBreak ? Indentation(after.GetLeadingTrivia()) : SyntaxFactory.TriviaList();

            if (hasSeparator)
            {
                var separator = items[index + 1].AsToken();
                var newSeparator = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(separator.TrailingTrivia);
                element = element.WithLeadingTrivia(leading);
                items.Insert(index + 2, element);
                items.Insert(index + 3, newSeparator);
            }
            else
            {
                var trailing = after.GetTrailingTrivia();
                items[index] = after.WithoutTrailingTrivia();
                var comma = SyntaxFactory.Token(SyntaxKind.CommaToken)
                    .WithTrailingTrivia(lineBreak && trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? trailing : SyntaxFactory.TriviaList(SyntaxFactory.Space));
                if (lineBreak && !trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
                {
                    // The line break is the close brace's leading trivia: the new member goes on its own line.
                    comma = comma.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
                }

                items.Insert(index + 1, comma);
                items.Insert(index + 2, element.WithLeadingTrivia(leading).WithTrailingTrivia(trailing));
            }

            return initializer.WithExpressions(SyntaxFactory.SeparatedList<ExpressionSyntax>(items));
        }
    }
}
