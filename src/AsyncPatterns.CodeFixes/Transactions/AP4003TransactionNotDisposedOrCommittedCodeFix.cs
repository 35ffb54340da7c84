using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Transactions;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncPatterns.CodeFixes.Transactions
{
    /// <summary>
    /// AP4003: declares the transaction with <c>await using</c>/<c>using</c> (the same rewrite as
    /// AP1003's, from <see cref="UsingDeclarations"/>), or commits it as the last statement of the
    /// block that declares it (before a final <c>return</c>). The commit is offered only when the
    /// method commits or rolls back the transaction nowhere else: a second commit would throw.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP4003TransactionNotDisposedOrCommittedCodeFix))]
    [Shared]
    public sealed class AP4003TransactionNotDisposedOrCommittedCodeFix : CodeFixProvider
    {
        public const string UsingEquivalenceKey = "AP4003.UsingDeclaration";
        public const string CommitEquivalenceKey = "AP4003.CommitAtEnd";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.TransactionNotDisposedOrCommitted);

        // Several transactions in one block share its end: one DocumentEditor pass per document.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
                await ApplyAsync(document, diagnostics, fixAllContext.CodeActionEquivalenceKey == CommitEquivalenceKey, fixAllContext.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (FindUsingTarget(root, diagnostic) is { } statement)
                {
                    var useAwait = UseAwait(statement);
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            useAwait ? "Use 'await using'" : "Use 'using'",
                            ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), commit: false, ct),
                            UsingEquivalenceKey),
                        diagnostic);
                }

                if (FindCommitTarget(root, diagnostic) is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Commit at the end of the block",
                            ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), commit: true, ct),
                            CommitEquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool commit, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var removed = new HashSet<SyntaxNode>();

            // Commits that go to the same place are inserted together, in the order the transactions began.
            var commits = new Dictionary<SyntaxNode, (bool Before, List<SyntaxNode> Statements)>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!commit)
                {
                    if (FindUsingTarget(root, diagnostic) is { } statement)
                    {
                        UsingDeclarations.Convert(editor, statement, UseAwait(statement), removed);
                    }

                    continue;
                }

                if (FindCommitTarget(root, diagnostic) is not { } target)
                {
                    continue;
                }

                diagnostic.Properties.TryGetValue(AP4003TransactionNotDisposedOrCommittedAnalyzer.TokenKey, out var token);
                var text = AwaitPlacement.CanAwaitHere(target.Declaration)
                    ? $"await {target.Name}.CommitAsync({token});"
                    : $"{target.Name}.Commit();";
                var statements = target.Block.Statements;
                var last = statements.Last();
                var commitStatement = SyntaxFactory.ParseStatement(text)
                    .WithLeadingTrivia(Indentation(last))
                    .WithTrailingTrivia(last.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).Take(1))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                if (!commits.TryGetValue(last, out var insertion))
                {
                    insertion = (last is ReturnStatementSyntax && last != target.Declaration, new List<SyntaxNode>());
                    commits.Add(last, insertion);
                }

                insertion.Statements.Add(commitStatement);
            }

            foreach (var pair in commits)
            {
                if (pair.Value.Before)
                {
                    editor.InsertBefore(pair.Key, pair.Value.Statements);
                }
                else
                {
                    editor.InsertAfter(pair.Key, pair.Value.Statements);
                }
            }

            return editor.GetChangedDocument();
        }

        private static bool UseAwait(LocalDeclarationStatementSyntax statement)
            => AwaitPlacement.CanAwaitHere(statement) && UsingDeclarations.CanAwaitUsing(statement);

        private static bool Is(Diagnostic diagnostic, string key)
            => diagnostic.Properties.TryGetValue(key, out var value) && value == "true";

        private static LocalDeclarationStatementSyntax? FindUsingTarget(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.Id != DiagnosticIds.TransactionNotDisposedOrCommitted
                || !Is(diagnostic, AP4003TransactionNotDisposedOrCommittedAnalyzer.NotDisposedKey)
                || Is(diagnostic, AP4003TransactionNotDisposedOrCommittedAnalyzer.ReassignedKey))
            {
                return null;
            }

            return UsingDeclarations.FindConvertible(root, diagnostic.Location.SourceSpan);
        }

        private static CommitTarget? FindCommitTarget(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.Id != DiagnosticIds.TransactionNotDisposedOrCommitted
                || !Is(diagnostic, AP4003TransactionNotDisposedOrCommittedAnalyzer.NotCommittedKey)
                || Is(diagnostic, AP4003TransactionNotDisposedOrCommittedAnalyzer.CompletedSomewhereKey))
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var declarator = node.FirstAncestorOrSelf<VariableDeclaratorSyntax>();
            if (declarator?.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration)
            {
                return null;
            }

            StatementSyntax statement;
            BlockSyntax? block;
            switch (declaration.Parent)
            {
                case LocalDeclarationStatementSyntax local when local.Parent is BlockSyntax parent:
                    statement = local;
                    block = parent;
                    break;
                case UsingStatementSyntax { Statement: BlockSyntax body } usingStatement:
                    statement = usingStatement;
                    block = body;
                    break;
                default:
                    return null;
            }

            if (block.Statements.Count > 0 && block.Statements.Last() is ThrowStatementSyntax)
            {
                return null;
            }

            return block.Statements.Count == 0 ? null : new CommitTarget(statement, block, declarator.Identifier.ValueText);
        }

        private static SyntaxTriviaList Indentation(SyntaxNode statement)
        {
            var trivia = statement.GetLeadingTrivia();
            return trivia.Count > 0 && trivia.Last().IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(trivia.Last())
                : SyntaxFactory.TriviaList();
        }

        private sealed class CommitTarget
        {
            public CommitTarget(StatementSyntax declaration, BlockSyntax block, string name)
            {
                Declaration = declaration;
                Block = block;
                Name = name;
            }

            public StatementSyntax Declaration { get; }

            public BlockSyntax Block { get; }

            public string Name { get; }
        }
    }
}
