using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
using Microsoft.CodeAnalysis.Editing;

namespace AsyncPatterns.CodeFixes.Tasks
{
    /// <summary>
    /// AP3002 fix: the awaited async counterpart with the token in scope
    /// (<c>await db.Orders.ToListAsync(cancellationToken)</c>), <c>await foreach</c> over
    /// <c>AsAsyncEnumerable()</c>, and <c>await using</c> for a transaction begun asynchronously.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP3002SyncEfIoInAsyncMethodCodeFix))]
    [Shared]
    public sealed class AP3002SyncEfIoInAsyncMethodCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP3002.UseAsync";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SyncEfIoInAsyncMethod);

        // A call can sit inside another flagged call's arguments, or a foreach's body, and the
        // using directives are shared: Fix All rewrites a document in one pass.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) =>
                diagnostics.IsDefaultOrEmpty ? document : await FixDocumentAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.FixProperty, out var fix))
                {
                    continue;
                }

                var title = fix == AP3002SyncEfIoInAsyncMethodAnalyzer.FixForEach
                    ? "Use 'await foreach'"
                    : "Use '" + diagnostic.Properties[AP3002SyncEfIoInAsyncMethodAnalyzer.CounterpartProperty] + "'";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Services);
            var importCandidates = new List<(string Container, int Position)>();
            var changed = false;
            foreach (var diagnostic in diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.FixProperty, out var fix))
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var done = fix == AP3002SyncEfIoInAsyncMethodAnalyzer.FixForEach
                    ? FixForEach(editor, node, diagnostic)
                    : FixCall(editor, node, diagnostic);
                if (!done)
                {
                    continue;
                }

                changed = true;
                if (diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.ImportsProperty, out var names) && names != null)
                {
                    foreach (var name in names.Split(';'))
                    {
                        importCandidates.Add((name, diagnostic.Location.SourceSpan.Start));
                    }
                }
            }

            if (!changed)
            {
                return document;
            }

            var newRoot = editor.GetChangedRoot();
            if (newRoot is CompilationUnitSyntax unit)
            {
                var originalModel = importCandidates.Count > 0 ? await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) : null;
                var imports = new SortedSet<string>(System.StringComparer.Ordinal);
                foreach (var (container, position) in importCandidates)
                {
                    // The extension class is visible by its simple name exactly when its namespace is
                    // imported (file, namespace or global usings alike).
                    var type = originalModel?.Compilation.GetTypeByMetadataName(container);
                    if (type is null || !IsVisibleBySimpleName(originalModel!, position, type))
                    {
                        imports.Add(container.Substring(0, container.LastIndexOf('.')));
                    }
                }

                foreach (var name in imports)
                {
                    unit = UsingDirectives.Ensure(unit, name, originalModel);
                }

                newRoot = unit;
            }

            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>
        /// Whether simple-name lookup of the type's name at the position finds the type (or, when the
        /// name is ambiguous, finds it among the candidates). Binds the name speculatively, as the
        /// compiler would: <c>LookupNamespacesAndTypes</c> gives the same answer but first lists
        /// every name in scope, which with many (global) usings costs far more.
        /// </summary>
        private static bool IsVisibleBySimpleName(SemanticModel model, int position, INamedTypeSymbol type)
        {
            var name = SyntaxFactory.IdentifierName(type.Name);
            var info = model.GetSpeculativeSymbolInfo(position, name, SpeculativeBindingOption.BindAsTypeOrNamespace);
            if (SymbolEqualityComparer.Default.Equals(info.Symbol, type))
            {
                // A `using Name = ...;` alias of the type is found as the alias: it imports no extension methods.
                return model.GetSpeculativeAliasInfo(position, name, SpeculativeBindingOption.BindAsTypeOrNamespace) is null;
            }

            return info.CandidateReason == CandidateReason.Ambiguous
                   && info.CandidateSymbols.Contains(type, SymbolEqualityComparer.Default);
        }

        private static bool FixCall(SyntaxEditor editor, SyntaxNode node, Diagnostic diagnostic)
        {
            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null
                || !diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.CounterpartProperty, out var counterpart)
                || counterpart is null)
            {
                return false;
            }

            diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.TokenProperty, out var token);
            var paramsStart = TokenArguments.ReadIndex(diagnostic.Properties, AP3002SyncEfIoInAsyncMethodAnalyzer.ParamsStartProperty);
            diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.ParamsElementTypeProperty, out var elementType);
            var parenthesize = NeedsParentheses(invocation);

            editor.ReplaceNode(invocation, (current, _) =>
            {
                var call = (InvocationExpressionSyntax)current;
                var renamed = Rename(call.Expression, counterpart);
                if (renamed is null)
                {
                    return current;
                }

                call = call.WithExpression(renamed);
                if (token != null)
                {
                    var named = TokenArguments.HasNamedArgument(call.ArgumentList) ? "cancellationToken" : null;
                    call = call.WithArgumentList(TokenArguments.Add(call.ArgumentList, token, named, paramsStart, elementType));
                }

                ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(
                        SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                        call.WithoutLeadingTrivia().WithoutTrailingTrivia());
                if (parenthesize)
                {
                    awaited = SyntaxFactory.ParenthesizedExpression(awaited);
                }

                return awaited.WithLeadingTrivia(call.GetLeadingTrivia()).WithTrailingTrivia(call.GetTrailingTrivia());
            });

            if (diagnostic.Properties.ContainsKey(AP3002SyncEfIoInAsyncMethodAnalyzer.AwaitUsingProperty)
                && invocation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: { } statement } } })
            {
                switch (statement)
                {
                    case LocalDeclarationStatementSyntax declaration when declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) && declaration.AwaitKeyword.IsKind(SyntaxKind.None):
                        editor.ReplaceNode(declaration, (current, _) =>
                        {
                            var local = (LocalDeclarationStatementSyntax)current;
                            return local.WithAwaitKeyword(AwaitBefore(local.UsingKeyword)).WithUsingKeyword(local.UsingKeyword.WithLeadingTrivia());
                        });
                        break;
                    case UsingStatementSyntax usingStatement when usingStatement.AwaitKeyword.IsKind(SyntaxKind.None):
                        editor.ReplaceNode(usingStatement, (current, _) =>
                        {
                            var block = (UsingStatementSyntax)current;
                            return block.WithAwaitKeyword(AwaitBefore(block.UsingKeyword)).WithUsingKeyword(block.UsingKeyword.WithLeadingTrivia());
                        });
                        break;
                }
            }

            return true;
        }

        private static bool FixForEach(SyntaxEditor editor, SyntaxNode node, Diagnostic diagnostic)
        {
            var loop = node.FirstAncestorOrSelf<CommonForEachStatementSyntax>();
            if (loop is null || loop.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
            {
                return false;
            }

            diagnostic.Properties.TryGetValue(AP3002SyncEfIoInAsyncMethodAnalyzer.TokenProperty, out var token);
            editor.ReplaceNode(loop, (current, _) =>
            {
                var statement = (CommonForEachStatementSyntax)current;
                var source = statement.Expression;
                var receiver = IsPrimary(source) ? source.WithoutTrivia() : SyntaxFactory.ParenthesizedExpression(source.WithoutTrivia());
                ExpressionSyntax collection = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("AsAsyncEnumerable")));
                if (token != null)
                {
                    collection = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, collection, SyntaxFactory.IdentifierName("WithCancellation")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(token)))));
                }

                return statement
                    .WithAwaitKeyword(AwaitBefore(statement.ForEachKeyword))
                    .WithForEachKeyword(statement.ForEachKeyword.WithLeadingTrivia())
                    .WithExpression(collection.WithTriviaFrom(source));
            });
            return true;
        }

        private static SyntaxToken AwaitBefore(SyntaxToken keyword)
            => SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));

        private static ExpressionSyntax? Rename(ExpressionSyntax expression, string name)
        {
            switch (expression)
            {
                case MemberAccessExpressionSyntax access:
                    return access.WithName((SimpleNameSyntax)RenameSimple(access.Name, name));
                case SimpleNameSyntax simple:
                    return RenameSimple(simple, name);
                default:
                    return null;
            }
        }

        private static SimpleNameSyntax RenameSimple(SimpleNameSyntax simple, string name)
        {
            var identifier = SyntaxFactory.Identifier(simple.Identifier.LeadingTrivia, name, simple.Identifier.TrailingTrivia);
            return simple switch
            {
                GenericNameSyntax generic => generic.WithIdentifier(identifier),
                _ => SyntaxFactory.IdentifierName(identifier),
            };
        }

        /// <summary>An awaited call used as a receiver or operand of a postfix operator needs parentheses: <c>(await q.ToListAsync()).Count</c>.</summary>
        private static bool NeedsParentheses(InvocationExpressionSyntax invocation)
            => invocation.Parent switch
            {
                MemberAccessExpressionSyntax access => access.Expression == invocation,
                ConditionalAccessExpressionSyntax conditional => conditional.Expression == invocation,
                ElementAccessExpressionSyntax element => element.Expression == invocation,
                InvocationExpressionSyntax call => call.Expression == invocation,
                PostfixUnaryExpressionSyntax => true,
                _ => false,
            };

        private static bool IsPrimary(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
                or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or ThisExpressionSyntax;
    }
}
