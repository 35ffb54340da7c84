using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Sessions;
using AsyncPatterns.CodeFixes.Common;
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
    /// AP5004: <c>cache.GetString(key)</c> becomes <c>await cache.GetStringAsync(key, ct)</c> — the
    /// counterpart the analyzer found (same arguments plus a trailing CancellationToken), with the
    /// token in scope (<see cref="CancellationTokens.Find"/>: a CancellationToken parameter, else the
    /// request's <c>RequestAborted</c>), named when other arguments are named. The await is parenthesized where the call's value is used further
    /// (<c>(await cache.GetStringAsync(key))?.Length</c>); the simplifier drops parentheses that are
    /// not needed. Not offered after <c>?.</c> or where <c>await</c> does not compile.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP5004SyncDistributedCacheCallCodeFix))]
    [Shared]
    public sealed class AP5004SyncDistributedCacheCallCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP5004.AwaitAsync";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.SyncDistributedCacheCall);

        // Calls nest (`cache.SetString(k, cache.GetString(a))`) and neighbouring fixes touch the same
        // statement, which the batch merger drops. Fixing a document's calls one after another,
        // last first, keeps every earlier diagnostic's name token where the analyzer saw it.
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
        {
            var current = document;
            foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
            {
                current = await FixAsync(current, diagnostic, context.CancellationToken).ConfigureAwait(false);
            }

            return current;
        });

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (FindCall(root, diagnostic) is null
                    || !diagnostic.Properties.TryGetValue(AP5004SyncDistributedCacheCallAnalyzer.AsyncNameProperty, out var asyncName))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create("Await '" + asyncName + "'", ct => FixAsync(context.Document, diagnostic, ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null
                || model is null
                || FindCall(root, diagnostic) is not { } call
                || !diagnostic.Properties.TryGetValue(AP5004SyncDistributedCacheCallAnalyzer.AsyncNameProperty, out var asyncName)
                || asyncName is null)
            {
                return document;
            }

            diagnostic.Properties.TryGetValue(AP5004SyncDistributedCacheCallAnalyzer.TokenParameterProperty, out var tokenParameter);
            var types = KnownTypes.Create(model.Compilation);
            var token = types is null ? null : CancellationTokens.Find(model.GetOperation(call.Invocation, cancellationToken), null, types);

            var newName = SyntaxFactory.IdentifierName(asyncName).WithTriviaFrom(call.Name);
            var invocation = call.Invocation.ReplaceNode(call.Name, newName);
            if (token != null)
            {
                invocation = invocation.WithArgumentList(AddToken(invocation.ArgumentList, token.Expression, tokenParameter));
            }

            ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(invocation.WithoutTrivia());
            if (call.Invocation.Parent is not (ExpressionStatementSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax or AssignmentExpressionSyntax))
            {
                awaited = SyntaxFactory.ParenthesizedExpression(awaited).WithAdditionalAnnotations(Simplifier.Annotation);
            }

            awaited = awaited.WithTriviaFrom(call.Invocation).WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(call.Invocation, awaited));
        }

        private static (InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)? FindCall(SyntaxNode root, Diagnostic diagnostic)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax name)
            {
                return null;
            }

            var invocation = name.Parent switch
            {
                MemberAccessExpressionSyntax access when access.Name == name => access.Parent as InvocationExpressionSyntax,
                InvocationExpressionSyntax direct when direct.Expression == name => direct,
                _ => null,
            };

            // After `?.` (a member binding) the call is part of a conditional access: there is no
            // expression of its own to await.
            return invocation is null || !AwaitPlacement.CanAwaitHere(invocation)
                ? null
                : (invocation, name);
        }

        private static ArgumentListSyntax AddToken(ArgumentListSyntax list, string token, string? parameterName)
        {
            var argument = SyntaxFactory.Argument(SyntaxFactory.ParseExpression(token));
            if (parameterName != null && list.Arguments.Any(a => a.NameColon != null))
            {
                argument = argument.WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(parameterName)));
            }

            return list.WithArguments(list.Arguments.Add(argument));
        }
    }
}
