using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// AP1003: turns <c>var db = new ShopContext(o);</c> into <c>using var db = ...;</c> (or
    /// <c>await using</c> in async code), which disposes the context on every path when the
    /// enclosing block ends. A <c>db.Dispose();</c> statement later in the same block becomes
    /// redundant and is removed. Offered only where a using declaration compiles: a single
    /// declarator directly in a block or in top-level statements, never reassigned (the
    /// analyzer checks that), C# 8 or later, and no <c>goto</c> in the function (CS8648).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP1003UndisposedDbContextCodeFix))]
    [Shared]
    public sealed class AP1003UndisposedDbContextCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP1003.UsingDeclaration";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.UndisposedDbContext);

        // Each fix edits its own declaration and its own Dispose statement; one pass per
        // document keeps the edits in one DocumentEditor rather than merging text changes.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
                await ApplyAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (FindTarget(root, diagnostic) is not { } target)
                {
                    continue;
                }

                var title = target.UseAwait ? "Dispose with an 'await using' declaration" : "Dispose with a 'using' declaration";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        title,
                        cancellationToken => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var removed = new HashSet<SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                if (FindTarget(root, diagnostic) is not { } target)
                {
                    continue;
                }

                UsingDeclarations.Convert(editor, target.Statement, target.UseAwait, removed);
            }

            return editor.GetChangedDocument();
        }

        private static Target? FindTarget(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.Id != DiagnosticIds.UndisposedDbContext
                || !diagnostic.Properties.TryGetValue(AP1003UndisposedDbContextAnalyzer.FixableKey, out var fixable)
                || fixable != "true")
            {
                return null;
            }

            var statement = UsingDeclarations.FindConvertible(root, diagnostic.Location.SourceSpan);
            if (statement is null)
            {
                return null;
            }

            var useAwait = diagnostic.Properties.TryGetValue(AP1003UndisposedDbContextAnalyzer.UseAwaitKey, out var useAwaitText)
                           && useAwaitText == "true"
                           && UsingDeclarations.CanAwaitUsing(statement);
            return new Target(statement, useAwait);
        }

        private sealed class Target
        {
            public Target(LocalDeclarationStatementSyntax statement, bool useAwait)
            {
                Statement = statement;
                UseAwait = useAwait;
            }

            public LocalDeclarationStatementSyntax Statement { get; }

            public bool UseAwait { get; }
        }
    }
}
