using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Concurrency;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Concurrency
{
    /// <summary>
    /// AP2001: "Await one after another" turns the tasks a WhenAll combines (listed, or held in
    /// locals) and a pending stored task into sequential awaits, keeping the result variables;
    /// "Use one context per operation" gives each operation its own context from a reachable
    /// <c>IDbContextFactory&lt;T&gt;</c> (a local async function per WhenAll task or pending task,
    /// a context created inside a Select or Parallel body). The sequential one comes first and
    /// has one key for every shape, so <c>dotnet format analyzers</c> applies it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP2001ConcurrentContextOperationsCodeFix))]
    [Shared]
    public sealed class AP2001ConcurrentContextOperationsCodeFix : CodeFixProvider
    {
        public const string SequentialKey = "AP2001.Sequential";
        public const string ContextPerOperationKey = "AP2001.ContextPerOperation";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.ConcurrentContextOperations);

        // Fixes of one method interact (a local materialized by one, local functions added by
        // another): a document's diagnostics are fixed one after another on the updated document.
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var sequential = await ConcurrencyRewriter.TryRewriteAsync(context.Document, diagnostic.Location.SourceSpan, diagnostic.Properties, sequential: true, context.CancellationToken).ConfigureAwait(false);
                if (sequential != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Await one after another", _ => Task.FromResult(sequential), SequentialKey),
                        diagnostic);
                }

                var perOperation = await ConcurrencyRewriter.TryRewriteAsync(context.Document, diagnostic.Location.SourceSpan, diagnostic.Properties, sequential: false, context.CancellationToken).ConfigureAwait(false);
                if (perOperation != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Use one context per operation", _ => Task.FromResult(perOperation), ContextPerOperationKey),
                        diagnostic);
                }
            }
        }

        private static async Task<Document?> FixAllAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var sequential = context.CodeActionEquivalenceKey == SequentialKey;
            return await ConcurrencyRewriter.FixAllAsync(document, diagnostics, sequential, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The rewrites behind AP2001's fixes; each returns <c>null</c> where its result would not compile or keep meaning.</summary>
    internal static class ConcurrencyRewriter
    {
        public static async Task<Document?> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool sequential, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            // Mark each diagnostic's node, then fix them one by one on the current document: every
            // rewrite reads a fresh semantic model.
            var marks = new List<(SyntaxAnnotation Mark, Diagnostic Diagnostic)>();
            var nodes = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (nodes.ContainsKey(node))
                {
                    continue;
                }

                var mark = new SyntaxAnnotation("AP2001");
                nodes.Add(node, mark);
                marks.Add((mark, diagnostic));
            }

            var current = document.WithSyntaxRoot(root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original])));
            foreach (var (mark, diagnostic) in marks)
            {
                var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var node = currentRoot?.GetAnnotatedNodes(mark).FirstOrDefault();
                if (node is null)
                {
                    continue;
                }

                var fixedDocument = await TryRewriteAsync(current, node.Span, diagnostic.Properties, sequential, cancellationToken).ConfigureAwait(false);
                if (fixedDocument != null)
                {
                    current = fixedDocument;
                }
            }

            return current;
        }

        public static async Task<Document?> TryRewriteAsync(Document document, TextSpan span, ImmutableDictionary<string, string?> properties, bool sequential, CancellationToken cancellationToken)
        {
            if (!properties.TryGetValue(AP2001ConcurrentContextOperationsAnalyzer.ShapeProperty, out var shape)
                || (!sequential && !properties.ContainsKey(AP2001ConcurrentContextOperationsAnalyzer.FactoryProperty)))
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var model = semanticModel is null ? null : DataAccessModel.Create(semanticModel.Compilation);
            if (root is null || semanticModel is null || model is null
                || root.FindNode(span, getInnermostNodeForTie: true) is not SimpleNameSyntax name
                || name.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocationSyntax
                || semanticModel.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation)
            {
                return null;
            }

            // Awaiting one after another (and the pending-task rewrites) need an async function:
            // in sync code the added awaits would not compile (CS4033).
            var needsAwait = sequential || shape == AP2001ConcurrentContextOperationsAnalyzer.ShapePending;
            if (needsAwait && !AwaitPlacement.CanAwaitHere(invocationSyntax))
            {
                return null;
            }

            var factory = properties.TryGetValue(AP2001ConcurrentContextOperationsAnalyzer.FactoryProperty, out var factoryName) ? factoryName : null;
            var rewriter = new Rewrite(document, root, semanticModel, model, factory, cancellationToken);
            var ok = shape switch
            {
                AP2001ConcurrentContextOperationsAnalyzer.ShapeWhenAll => sequential ? rewriter.SequentialWhenAll(invocation) : rewriter.PerOperationWhenAll(invocation),
                AP2001ConcurrentContextOperationsAnalyzer.ShapePending => sequential ? rewriter.SequentialPending(invocation) : rewriter.PerOperationPending(invocation),
                AP2001ConcurrentContextOperationsAnalyzer.ShapeSelect => !sequential && rewriter.PerOperationLambda(invocation, select: true),
                AP2001ConcurrentContextOperationsAnalyzer.ShapeParallel => !sequential && rewriter.PerOperationLambda(invocation, select: false),
                _ => false,
            };

            return ok ? rewriter.Result() : null;
        }
    }
}
