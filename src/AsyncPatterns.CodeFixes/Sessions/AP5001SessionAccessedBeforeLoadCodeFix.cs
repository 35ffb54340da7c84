using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Sessions
{
    /// <summary>
    /// AP5001: inserts <c>await &lt;session&gt;.LoadAsync(&lt;token&gt;);</c> as a statement right
    /// before the statement holding the first access, in the same block (an embedded statement such
    /// as an <c>if</c> body becomes a block; an expression-bodied function gets a block body). The
    /// token is the function's CancellationToken parameter when there is one, else the session's own
    /// request's <c>RequestAborted</c> (<c>ctx.Session</c> → <c>ctx.RequestAborted</c>), else none.
    /// Not offered for a session reached through <c>?.</c> (awaiting a null task throws), for a
    /// session written with a local declared in the same statement, or where <c>await</c> does not
    /// compile (a <c>lock</c> body).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP5001SessionAccessedBeforeLoadCodeFix))]
    [Shared]
    public sealed class AP5001SessionAccessedBeforeLoadCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP5001.LoadAsync";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.SessionAccessedBeforeLoad);

        // A function's fix can sit inside another function's statement (a handler lambda in a
        // method that also reads the session): one editor per document composes them.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
                await ApplyAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false));

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
                if (FindEdit(root, model, diagnostic, context.CancellationToken) is not { } edit)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Await '" + edit.SessionText + ".LoadAsync()' first",
                        cancellationToken => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var edits = new List<Edit>();
            foreach (var diagnostic in diagnostics)
            {
                if (FindEdit(root, model, diagnostic, cancellationToken) is { } edit
                    && !edits.Any(e => e.Anchor == edit.Anchor && e.Load.IsEquivalentTo(edit.Load)))
                {
                    edits.Add(edit);
                }
            }

            // Innermost first: an outer edit (a block around an embedded statement, a block body
            // for an expression-bodied lambda) then wraps the already-edited inner code.
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var edit in edits.OrderByDescending(e => e.Anchor.SpanStart).ThenBy(e => e.Anchor.Span.Length))
            {
                var load = edit.Load;
                switch (edit.Kind)
                {
                    case EditKind.InsertBefore:
                        editor.InsertBefore(edit.Anchor, load);
                        break;

                    case EditKind.WrapInBlock:
                        editor.ReplaceNode(edit.Anchor, (current, _) => MultiLineBlock(load, ((StatementSyntax)current).WithoutLeadingTrivia())
                            .WithLeadingTrivia(current.GetLeadingTrivia()));
                        break;

                    case EditKind.BlockBody:
                        var returnsValue = edit.ReturnsValue;
                        editor.ReplaceNode(edit.Anchor, (current, _) => ToBlockBody(current, load, returnsValue));
                        break;
                }
            }

            return editor.GetChangedDocument();
        }

        private enum EditKind
        {
            InsertBefore,
            WrapInBlock,
            BlockBody,
        }

        private sealed class Edit
        {
            public Edit(EditKind kind, SyntaxNode anchor, StatementSyntax load, string sessionText, bool returnsValue)
            {
                Kind = kind;
                Anchor = anchor;
                Load = load;
                SessionText = sessionText;
                ReturnsValue = returnsValue;
            }

            public EditKind Kind { get; }

            /// <summary>The statement to insert before or wrap, or the expression-bodied function.</summary>
            public SyntaxNode Anchor { get; }

            public StatementSyntax Load { get; }

            public string SessionText { get; }

            public bool ReturnsValue { get; }
        }

        private static Edit? FindEdit(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var types = KnownTypes.Create(model.Compilation);
            if (types is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not SimpleNameSyntax name
                || FindAccess(name, model, types, cancellationToken) is not { } access
                || SessionAccess.GetSession(access) is not { Syntax: ExpressionSyntax session }
                || !CanRepeat(session))
            {
                return null;
            }

            var function = AwaitPlacement.EnclosingFunction(name);
            if (function is null || !AwaitPlacement.IsAsync(function) || function is GlobalStatementSyntax)
            {
                return null;
            }

            // The statement of the function that holds the access; none for an expression body.
            var statement = InnermostStatement(name, function);
            if (statement != null && UsesLocalDeclaredIn(session, statement, model, cancellationToken))
            {
                return null;
            }

            var load = CreateLoad(session, FindToken(access, session, types));
            var sessionText = session.ToString();
            if (statement is null)
            {
                return ExpressionBody(function) is null
                    ? null
                    : new Edit(EditKind.BlockBody, function, load, sessionText, ReturnsValue(function, model, cancellationToken));
            }

            if (!AwaitPlacement.CanAwaitAt(statement, function))
            {
                return null;
            }

            switch (statement.Parent)
            {
                case BlockSyntax:
                case SwitchSectionSyntax:
                    return new Edit(EditKind.InsertBefore, statement, load, sessionText, returnsValue: false);
                case GlobalStatementSyntax:
                    return null;
                default:
                    return statement is LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax or LabeledStatementSyntax
                        ? null
                        : new Edit(EditKind.WrapInBlock, statement, load, sessionText, returnsValue: false);
            }
        }

        private static StatementSyntax? InnermostStatement(SyntaxNode node, SyntaxNode function)
        {
            for (var current = node.Parent; current != null && current != function; current = current.Parent)
            {
                if (current is StatementSyntax statement)
                {
                    return statement;
                }
            }

            return null;
        }

        private static IOperation? FindAccess(SimpleNameSyntax name, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
        {
            for (SyntaxNode? node = name; node != null && node is not StatementSyntax; node = node.Parent)
            {
                var operation = model.GetOperation(node, cancellationToken);
                if (operation != null && SessionAccess.IsAccess(SessionAccess.Classify(operation, types)))
                {
                    return operation;
                }
            }

            return null;
        }

        // The session expression is evaluated once more by the inserted statement: it must be a
        // plain name or member chain (no call, no `?.`).
        private static bool CanRepeat(ExpressionSyntax session)
        {
            foreach (var node in session.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case IdentifierNameSyntax:
                    case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression }:
                    case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }:
                    case ThisExpressionSyntax:
                    case BaseExpressionSyntax:
                    case ParenthesizedExpressionSyntax:
                        continue;
                    default:
                        return false;
                }
            }

            return true;
        }

        private static bool UsesLocalDeclaredIn(ExpressionSyntax session, StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var identifier in session.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is ILocalSymbol local
                    && local.DeclaringSyntaxReferences.Any(r => statement.Span.Contains(r.Span)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A CancellationToken parameter in scope (for a controller action or a minimal-API handler
        /// it is bound to the request's token); else the session's own request's <c>RequestAborted</c>
        /// (<c>accessor.HttpContext!.Session</c> → <c>accessor.HttpContext!.RequestAborted</c>); else
        /// whatever <see cref="CancellationTokens.Find"/> knows (an HttpContext parameter, a
        /// controller's or page's <c>HttpContext</c>: for an aliased session).
        /// </summary>
        private static ExpressionSyntax? FindToken(IOperation access, ExpressionSyntax session, KnownTypes types)
        {
            var found = CancellationTokens.Find(access, null, types);
            if (found is { IsRequestAborted: false })
            {
                return SyntaxFactory.ParseExpression(found.Expression);
            }

            if (session is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Session" } member
                && SessionAccess.GetSession(access) is Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation { Property.Name: "Session" } property
                && property.Property.ContainingType.InheritsFromOrEquals(types.HttpContext))
            {
                return member.WithName(SyntaxFactory.IdentifierName("RequestAborted")).WithoutTrivia();
            }

            return found is null ? null : SyntaxFactory.ParseExpression(found.Expression);
        }

        private static StatementSyntax CreateLoad(ExpressionSyntax session, ExpressionSyntax? token)
        {
            var receiver = session.WithoutTrivia();
            if (receiver is not (SimpleNameSyntax or MemberAccessExpressionSyntax or PostfixUnaryExpressionSyntax or ThisExpressionSyntax or ParenthesizedExpressionSyntax))
            {
                receiver = SyntaxFactory.ParenthesizedExpression(receiver).WithAdditionalAnnotations(Simplifier.Annotation);
            }

            var arguments = token is null
                ? SyntaxFactory.ArgumentList()
                : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(token)));
            var call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("LoadAsync")),
                arguments);
            return SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(call))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static ExpressionSyntax? ExpressionBody(SyntaxNode function) => function switch
        {
            LambdaExpressionSyntax lambda => lambda.ExpressionBody,
            LocalFunctionStatementSyntax local => local.ExpressionBody?.Expression,
            MethodDeclarationSyntax method => method.ExpressionBody?.Expression,
            _ => null,
        };

        // `async Task<int> F() => x` returns its expression; `async Task F() => x` and async void
        // lambdas evaluate it as a statement.
        private static bool ReturnsValue(SyntaxNode function, SemanticModel model, CancellationToken cancellationToken)
        {
            var symbol = function switch
            {
                LambdaExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol,
                _ => model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol,
            };
            return symbol is { ReturnsVoid: false, ReturnType: INamedTypeSymbol { IsGenericType: true } };
        }

        // Elastic line breaks: the formatter lays the block out on its own lines with the
        // document's newline and indentation (a plain Block() would stay on one line).
        private static BlockSyntax MultiLineBlock(StatementSyntax load, StatementSyntax statement)
        {
            var newLine = SyntaxFactory.ElasticCarriageReturnLineFeed;
            return SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(newLine),
                    SyntaxFactory.List(new[] { load.WithTrailingTrivia(newLine), statement.WithTrailingTrivia(statement.GetTrailingTrivia().Add(newLine)) }),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static SyntaxNode ToBlockBody(SyntaxNode function, StatementSyntax load, bool returnsValue)
        {
            var expression = ExpressionBody(function);
            if (expression is null)
            {
                return function;
            }

            StatementSyntax statement = returnsValue
                ? SyntaxFactory.ReturnStatement(expression.WithoutTrivia())
                : SyntaxFactory.ExpressionStatement(expression.WithoutTrivia());
            var block = MultiLineBlock(load, statement);

            switch (function)
            {
                case LambdaExpressionSyntax lambda:
                    return lambda.WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed))
                        .WithExpressionBody(null)
                        .WithBlock(block.WithTrailingTrivia(expression.GetTrailingTrivia()))
                        .WithAdditionalAnnotations(Formatter.Annotation);

                case LocalFunctionStatementSyntax local:
                    return local.WithExpressionBody(null)
                        .WithSemicolonToken(default)
                        .WithBody(block.WithTrailingTrivia(local.SemicolonToken.TrailingTrivia))
                        .WithAdditionalAnnotations(Formatter.Annotation);

                case MethodDeclarationSyntax method:
                    return method.WithExpressionBody(null)
                        .WithSemicolonToken(default)
                        .WithBody(block.WithTrailingTrivia(method.SemicolonToken.TrailingTrivia))
                        .WithAdditionalAnnotations(Formatter.Annotation);

                default:
                    return function;
            }
        }
    }
}
