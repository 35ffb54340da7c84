using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Lifetime;
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

                var statement = target.Statement;
                var replacement = statement
                    .WithoutLeadingTrivia()
                    .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                    .WithAwaitKeyword(target.UseAwait
                        ? SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space)
                        : default)
                    .WithLeadingTrivia(statement.GetLeadingTrivia());
                editor.ReplaceNode(statement, replacement);

                foreach (var (dispose, next) in RedundantDisposeStatements(target))
                {
                    if (!removed.Add(dispose))
                    {
                        continue;
                    }

                    editor.RemoveNode(dispose, SyntaxRemoveOptions.KeepNoTrivia);

                    // The blank line and comments above the removed statement move to the next
                    // one; its own indentation stays.
                    var moved = dispose.GetLeadingTrivia();
                    if (moved.Count > 0 && moved.Last().IsKind(SyntaxKind.WhitespaceTrivia))
                    {
                        moved = moved.RemoveAt(moved.Count - 1);
                    }

                    if (next != null && moved.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia)))
                    {
                        editor.ReplaceNode(next, (current, _) => current.WithLeadingTrivia(moved.AddRange(current.GetLeadingTrivia())));
                    }
                }
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

            if (root.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp8 })
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var statement = node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (statement is null
                || statement.Declaration.Variables.Count != 1
                || statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                || statement.Parent is not (BlockSyntax or GlobalStatementSyntax))
            {
                return null;
            }

            var function = statement.Ancestors().FirstOrDefault(IsFunction) ?? root;
            if (function.DescendantNodes(descendIntoChildren: child => child == function || !IsFunction(child))
                .Any(n => n is GotoStatementSyntax))
            {
                // CS8648: a goto cannot jump past a using declaration.
                return null;
            }

            var useAwait = diagnostic.Properties.TryGetValue(AP1003UndisposedDbContextAnalyzer.UseAwaitKey, out var useAwaitText)
                           && useAwaitText == "true"
                           && !statement.Ancestors().TakeWhile(a => a != function).Any(a => a is LockStatementSyntax);
            return new Target(statement, statement.Declaration.Variables[0].Identifier.ValueText, useAwait);
        }

        private static bool IsFunction(SyntaxNode node)
            => node is BaseMethodDeclarationSyntax
                or AccessorDeclarationSyntax
                or LocalFunctionStatementSyntax
                or AnonymousFunctionExpressionSyntax;

        /// <summary>
        /// <c>db.Dispose();</c> or <c>await db.DisposeAsync();</c> later in the same block (the using
        /// declaration now does it), each with the statement that follows it.
        /// </summary>
        private static IEnumerable<(SyntaxNode Dispose, SyntaxNode? Next)> RedundantDisposeStatements(Target target)
        {
            var statement = target.Statement;
            IReadOnlyList<SyntaxNode> siblings;
            SyntaxNode self;
            if (statement.Parent is BlockSyntax block)
            {
                siblings = block.Statements;
                self = statement;
            }
            else if (statement.Parent is GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } global)
            {
                siblings = unit.Members;
                self = global;
            }
            else
            {
                yield break;
            }

            var after = false;
            for (var i = 0; i < siblings.Count; i++)
            {
                var sibling = siblings[i];
                if (sibling == self)
                {
                    after = true;
                    continue;
                }

                var candidate = sibling is GlobalStatementSyntax g ? g.Statement : sibling;
                if (after && candidate is ExpressionStatementSyntax expression && IsDisposeOf(expression.Expression, target.Name))
                {
                    var next = i + 1 < siblings.Count ? siblings[i + 1] : null;
                    if (next != null && IsDisposeStatementOf(next, target.Name))
                    {
                        next = null;
                    }

                    yield return (sibling, next);
                }
            }
        }

        private static bool IsDisposeStatementOf(SyntaxNode node, string name)
            => (node is GlobalStatementSyntax g ? g.Statement : node) is ExpressionStatementSyntax expression
               && IsDisposeOf(expression.Expression, name);

        private static bool IsDisposeOf(ExpressionSyntax expression, string name)
        {
            if (expression is AwaitExpressionSyntax awaitExpression)
            {
                expression = awaitExpression.Expression;
                if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure })
                {
                    expression = configure.Expression;
                }
            }

            return expression is InvocationExpressionSyntax
            {
                ArgumentList.Arguments.Count: 0,
                Expression: MemberAccessExpressionSyntax
                {
                    Expression: IdentifierNameSyntax receiver,
                    Name.Identifier.ValueText: "Dispose" or "DisposeAsync",
                },
            } && receiver.Identifier.ValueText == name;
        }

        private sealed class Target
        {
            public Target(LocalDeclarationStatementSyntax statement, string name, bool useAwait)
            {
                Statement = statement;
                Name = name;
                UseAwait = useAwait;
            }

            public LocalDeclarationStatementSyntax Statement { get; }

            public string Name { get; }

            public bool UseAwait { get; }
        }
    }
}
