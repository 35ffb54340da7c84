using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Tasks;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Tasks
{
    /// <summary>
    /// AP3003: await instead of blocking, inside async functions only — <c>x.Result</c> and
    /// <c>x.GetAwaiter().GetResult()</c> become <c>(await x)</c> (the simplifier drops parentheses
    /// that are not needed), the statement <c>x.Wait();</c> becomes <c>await x;</c>, and the
    /// statement <c>Task.WaitAll(a, b);</c> becomes <c>await Task.WhenAll(a, b);</c>. In a
    /// synchronous function no fix is offered: making it async changes its signature for every
    /// caller (AP3001's fix does that where it is safe).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP3003BlockingOnAsyncCallCodeFix))]
    [Shared]
    public sealed class AP3003BlockingOnAsyncCallCodeFix : CodeFixProvider
    {
        public const string AwaitKey = "AP3003.Await";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BlockingOnAsyncCall);

        // Each fix rewrites its own blocking expression; the function is already async, so no
        // two fixes touch the same node.
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (FindRewrite(root, diagnostic) is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create("Await it", ct => AwaitAsync(context.Document, diagnostic, ct), AwaitKey),
                    diagnostic);
            }
        }

        private static async Task<Document> AwaitAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || FindRewrite(root, diagnostic) is not { } rewrite)
            {
                return document;
            }

            var replacement = rewrite.Replacement
                .WithTriviaFrom(rewrite.Target)
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(rewrite.Target, replacement));
        }

        private static (ExpressionSyntax Target, ExpressionSyntax Replacement)? FindRewrite(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(AP3003BlockingOnAsyncCallAnalyzer.KindProperty, out var kind)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax name
                || name.Parent is not MemberAccessExpressionSyntax access
                || access.Name != name
                || !AwaitPlacement.CanAwaitHere(access))
            {
                return null;
            }

            switch (kind)
            {
                case AP3003BlockingOnAsyncCallAnalyzer.KindResult:
                    return (access, Parenthesized(SyntaxFactory.AwaitExpression(access.Expression.WithoutTrivia())));

                case AP3003BlockingOnAsyncCallAnalyzer.KindGetResult:
                    if (access.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } getResult
                        && access.Expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax getAwaiter })
                    {
                        return (getResult, Parenthesized(SyntaxFactory.AwaitExpression(getAwaiter.Expression.WithoutTrivia())));
                    }

                    return null;

                case AP3003BlockingOnAsyncCallAnalyzer.KindWait:
                    // Wait(timeout) answers whether the task finished in time and Wait(token) stops
                    // waiting on cancellation: neither is what a plain await means.
                    if (access.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Parent: ExpressionStatementSyntax } wait)
                    {
                        return (wait, SyntaxFactory.AwaitExpression(access.Expression.WithoutTrivia()));
                    }

                    return null;

                case AP3003BlockingOnAsyncCallAnalyzer.KindWaitAll:
                    if (name.Identifier.ValueText == "WaitAll"
                        && access.Parent is InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } waitAll
                        && waitAll.ArgumentList.Arguments.Count > 0)
                    {
                        var whenAll = waitAll.WithExpression(access.WithName(SyntaxFactory.IdentifierName("WhenAll").WithTriviaFrom(name)));
                        return (waitAll, SyntaxFactory.AwaitExpression(whenAll.WithoutTrivia()));
                    }

                    return null;

                default:
                    return null;
            }
        }

        private static ExpressionSyntax Parenthesized(ExpressionSyntax expression)
            => SyntaxFactory.ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
