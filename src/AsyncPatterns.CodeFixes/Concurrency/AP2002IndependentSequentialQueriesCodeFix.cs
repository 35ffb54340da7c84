using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Concurrency;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Concurrency
{
    /// <summary>
    /// AP2002: start the independent queries together and <c>await Task.WhenAll</c> — each on its own
    /// context from the reachable <c>IDbContextFactory&lt;T&gt;</c> (created and disposed in a local
    /// async function, with the CancellationToken in scope), or on the separate contexts the queries
    /// already use. Not offered when the queries share a context and no factory is reachable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP2002IndependentSequentialQueriesCodeFix))]
    [Shared]
    public sealed class AP2002IndependentSequentialQueriesCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP2002.RunConcurrently";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.IndependentSequentialQueries);

        // Every diagnostic of a run rewrites the whole run: fixes are applied one after another on
        // the updated document, and a run already rewritten is skipped.
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var fixedDocument = await TryRewriteAsync(context.Document, diagnostic.Location.SourceSpan, diagnostic.Properties, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Run the queries concurrently on separate contexts", _ => Task.FromResult(fixedDocument), EquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static async Task<Document?> FixAllAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            var marks = new Dictionary<SyntaxNode, (SyntaxAnnotation Mark, Diagnostic Diagnostic)>();
            foreach (var diagnostic in diagnostics)
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (!marks.ContainsKey(node))
                {
                    marks.Add(node, (new SyntaxAnnotation("AP2002"), diagnostic));
                }
            }

            var current = document.WithSyntaxRoot(root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original].Mark)));
            foreach (var (mark, diagnostic) in marks.Values.OrderBy(m => m.Diagnostic.Location.SourceSpan.Start))
            {
                var currentRoot = await current.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                var node = currentRoot?.GetAnnotatedNodes(mark).FirstOrDefault();
                if (node != null
                    && await TryRewriteAsync(current, node.Span, diagnostic.Properties, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
                {
                    current = fixedDocument;
                }
            }

            return current;
        }

        private static async Task<Document?> TryRewriteAsync(Document document, TextSpan span, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var model = semanticModel is null ? null : DataAccessModel.Create(semanticModel.Compilation);
            if (root is null || semanticModel is null || model is null
                || root.FindToken(span.Start).Parent?.FirstAncestorOrSelf<AwaitExpressionSyntax>() is not { } awaitExpression
                || awaitExpression.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } statement
                || semanticModel.GetOperation(block, cancellationToken) is not IBlockOperation blockOperation)
            {
                return null;
            }

            var run = SequentialQueries.FindRuns(model, blockOperation)
                .FirstOrDefault(r => r.Any(q => q.Statement.Syntax == statement));
            if (run.IsDefaultOrEmpty)
            {
                return null;
            }

            var factory = properties.TryGetValue(AP2002IndependentSequentialQueriesAnalyzer.FactoryProperty, out var name) ? name : null;
            var rewrite = new Rewrite(document, root, semanticModel, model, factory, cancellationToken);
            return rewrite.Parallelize(run) ? rewrite.Result() : null;
        }
    }
}
