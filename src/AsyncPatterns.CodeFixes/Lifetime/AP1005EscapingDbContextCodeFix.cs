using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// AP1005 fixes: materialize a query returned from the scope that owns its context
    /// (<c>.ToList()</c>, or <c>await ....ToListAsync(token)</c> in async code), and create the
    /// context inside fire-and-forget work from the <c>IDbContextFactory&lt;T&gt;</c> (or the
    /// <c>IServiceScopeFactory</c>) in reach.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP1005EscapingDbContextCodeFix))]
    [Shared]
    public sealed class AP1005EscapingDbContextCodeFix : CodeFixProvider
    {
        public const string MaterializeKey = "AP1005.Materialize";
        public const string CreateInsideKey = "AP1005.CreateContextInsideWork";

        private const string EntityFrameworkCoreNamespace = "Microsoft.EntityFrameworkCore";
        private const string LinqNamespace = "System.Linq";
        private const string DependencyInjectionNamespace = "Microsoft.Extensions.DependencyInjection";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.EscapingDbContext);

        // The fixes of one document interact (they share the using directives, and two captures
        // can sit in one lambda), so Fix All applies a document's fixes in one pass.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) =>
                diagnostics.IsDefaultOrEmpty ? document : await FixDocumentAsync(document, diagnostics, context.CodeActionEquivalenceKey, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(AP1005EscapingDbContextAnalyzer.FixProperty, out var fix))
                {
                    continue;
                }

                var key = fix == AP1005EscapingDbContextAnalyzer.FixMaterialize ? MaterializeKey : CreateInsideKey;
                var probe = await FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), key, context.CancellationToken).ConfigureAwait(false);
                if (probe == context.Document)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        key == MaterializeKey ? "Materialize before the scope ends" : "Create the context inside the background work",
                        ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), key, ct),
                        key),
                    diagnostic);
            }
        }

        private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? key, CancellationToken cancellationToken)
        {
            var namespaces = new HashSet<string>();
            var fixedSpans = new List<TextSpan>();
            var current = document;

            // From the end of the file backwards: an edit never moves the spans still to fix.
            foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
            {
                if (!diagnostic.Properties.TryGetValue(AP1005EscapingDbContextAnalyzer.FixProperty, out var fix)
                    || (key != null && key != (fix == AP1005EscapingDbContextAnalyzer.FixMaterialize ? MaterializeKey : CreateInsideKey))
                    || fixedSpans.Any(s => s.IntersectsWith(diagnostic.Location.SourceSpan)))
                {
                    continue;
                }

                var root = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var semanticModel = await current.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || semanticModel is null)
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var edit = fix == AP1005EscapingDbContextAnalyzer.FixMaterialize
                    ? Materialize(node, semanticModel, namespaces, cancellationToken)
                    : CreateInside(node, diagnostic, semanticModel, namespaces, cancellationToken);
                if (edit is null)
                {
                    continue;
                }

                fixedSpans.Add(edit.Value.Old.Span);
                current = current.WithSyntaxRoot(root.ReplaceNode(edit.Value.Old, edit.Value.New));
            }

            if (current == document)
            {
                return document;
            }

            if (namespaces.Count > 0 && await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is CompilationUnitSyntax unit)
            {
                var originalModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                foreach (var name in namespaces.OrderBy(n => n, System.StringComparer.Ordinal))
                {
                    unit = UsingDirectives.Ensure(unit, name, originalModel);
                }

                current = current.WithSyntaxRoot(unit);
            }

            return await Formatter.FormatAsync(current, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // `return db.Orders.Where(...);` → `return db.Orders.Where(...).ToList();`
        // or, in async code, `return await db.Orders.Where(...).ToListAsync(cancellationToken);`.
        private static (SyntaxNode Old, SyntaxNode New)? Materialize(SyntaxNode node, SemanticModel semanticModel, HashSet<string> namespaces, CancellationToken cancellationToken)
        {
            if (node is not ExpressionSyntax expression)
            {
                return null;
            }

            var function = GetFunctionSymbol(expression, semanticModel, cancellationToken);
            var expressionType = semanticModel.GetTypeInfo(expression, cancellationToken).Type;
            var compilation = semanticModel.Compilation;
            var list = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            var queryable = compilation.GetTypeByMetadataName("System.Linq.IQueryable`1");
            var elementType = ElementType(expressionType, compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T));
            if (function is null || list is null || elementType is null)
            {
                return null;
            }

            var accepting = function.ReturnType;
            if (function.IsAsync)
            {
                if (accepting is not INamedTypeSymbol { Arity: 1, Name: "Task" or "ValueTask" } taskType)
                {
                    return null;
                }

                accepting = taskType.TypeArguments[0];
            }

            // Only where a List<T> still satisfies the declared return type (not for IQueryable<T>).
            var materialized = list.Construct(elementType);
            if (!compilation.ClassifyConversion(materialized, accepting).IsImplicit)
            {
                return null;
            }

            var isQueryable = ElementType(expressionType, queryable) != null;
            var receiver = expression.WithoutTrivia();
            if (receiver is not (InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax))
            {
                receiver = SyntaxFactory.ParenthesizedExpression(receiver);
            }

            ExpressionSyntax replacement;
            if (function.IsAsync && isQueryable)
            {
                var arguments = SyntaxFactory.ArgumentList();
                var model = DataAccessModel.Create(compilation);
                var token = model is null ? null : CancellationTokens.FindTokenInScope(semanticModel.GetOperation(expression, cancellationToken), model.Types);
                if (token != null)
                {
                    arguments = arguments.AddArguments(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token.Name)));
                }

                replacement = SyntaxFactory.AwaitExpression(
                    SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("ToListAsync")),
                        arguments));
                namespaces.Add(EntityFrameworkCoreNamespace);
            }
            else
            {
                replacement = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("ToList")));
                namespaces.Add(LinqNamespace);
            }

            return (expression, replacement.WithTriviaFrom(expression));
        }

        // `Task.Run(() => _db.Orders.Count())` →
        // `Task.Run(() => { using var db = _factory.CreateDbContext(); return db.Orders.Count(); })`.
        private static (SyntaxNode Old, SyntaxNode New)? CreateInside(SyntaxNode node, Diagnostic diagnostic, SemanticModel semanticModel, HashSet<string> namespaces, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(AP1005EscapingDbContextAnalyzer.FactoryProperty, out var factory) || factory is null
                || !diagnostic.Properties.TryGetValue(AP1005EscapingDbContextAnalyzer.FactoryKindProperty, out var factoryKind))
            {
                return null;
            }

            diagnostic.Properties.TryGetValue(AP1005EscapingDbContextAnalyzer.ContextTypeProperty, out var contextType);
            if (factoryKind != AP1005EscapingDbContextAnalyzer.FactoryKindContext && contextType is null)
            {
                return null;
            }

            var captured = semanticModel.GetSymbolInfo(node, cancellationToken).Symbol;
            var lambda = FindWork(node, semanticModel, cancellationToken);
            if (captured is null || lambda is null || semanticModel.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol lambdaSymbol)
            {
                return null;
            }

            var bodyPosition = lambda.Body.SpanStart;
            var contextName = FreeName("db", lambda, bodyPosition, captured, semanticModel);
            var scopeName = FreeName("scope", lambda, bodyPosition, captured, semanticModel);

            // Every use of the captured context inside the work becomes the new context.
            var uses = lambda.Body.DescendantNodesAndSelf()
                .OfType<IdentifierNameSyntax>()
                .Where(n => SymbolEqualityComparer.Default.Equals(semanticModel.GetSymbolInfo(n, cancellationToken).Symbol, captured))
                .Select(n => n.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == n ? (ExpressionSyntax)access : n)
                .ToList();
            if (uses.Count == 0)
            {
                return null;
            }

            var rewritten = lambda.ReplaceNodes(uses, (original, _) => SyntaxFactory.IdentifierName(contextName).WithTriviaFrom(original));
            var isAsync = lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);

            var statements = new List<StatementSyntax>();
            if (factoryKind == AP1005EscapingDbContextAnalyzer.FactoryKindContext)
            {
                statements.Add(SyntaxFactory.ParseStatement(isAsync
                    ? $"await using var {contextName} = await {factory}.CreateDbContextAsync();"
                    : $"using var {contextName} = {factory}.CreateDbContext();"));
            }
            else
            {
                statements.Add(SyntaxFactory.ParseStatement($"using var {scopeName} = {factory}.CreateScope();"));
                statements.Add(SyntaxFactory.ParseStatement($"var {contextName} = {scopeName}.ServiceProvider.GetRequiredService<{contextType}>();"));
                namespaces.Add(DependencyInjectionNamespace);
            }

            statements = statements
                .Select(s => s.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed).WithAdditionalAnnotations(Formatter.Annotation))
                .ToList();

            BlockSyntax block;
            switch (rewritten.Body)
            {
                case BlockSyntax existing:
                    block = existing.WithStatements(existing.Statements.InsertRange(0, statements));
                    break;
                case ExpressionSyntax expression:
                    var returnsValue = !lambdaSymbol.ReturnsVoid
                                       && !(isAsync && lambdaSymbol.ReturnType is INamedTypeSymbol { Arity: 0, Name: "Task" or "ValueTask" });
                    StatementSyntax last = returnsValue
                        ? SyntaxFactory.ReturnStatement(expression.WithoutTrivia())
                        : SyntaxFactory.ExpressionStatement(expression.WithoutTrivia());
                    statements.Add(last.WithAdditionalAnnotations(Formatter.Annotation));
                    block = SyntaxFactory.Block(statements).WithTrailingTrivia(expression.GetTrailingTrivia());
                    break;
                default:
                    return null;
            }

            block = block.WithAdditionalAnnotations(Formatter.Annotation);
            AnonymousFunctionExpressionSyntax result = rewritten switch
            {
                ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithExpressionBody(null).WithBlock(block).WithArrowToken(parenthesized.ArrowToken.WithTrailingTrivia(SyntaxFactory.ElasticSpace)),
                SimpleLambdaExpressionSyntax simple => simple.WithExpressionBody(null).WithBlock(block).WithArrowToken(simple.ArrowToken.WithTrailingTrivia(SyntaxFactory.ElasticSpace)),
                AnonymousMethodExpressionSyntax anonymous => anonymous.WithBlock(block),
                _ => rewritten,
            };

            return (lambda, result.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation));
        }

        /// <summary>The lambda handed to <c>Task.Run</c> (or another start of background work) around <paramref name="node"/>.</summary>
        private static AnonymousFunctionExpressionSyntax? FindWork(SyntaxNode node, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            var types = KnownTypes.Create(semanticModel.Compilation);
            if (types is null)
            {
                return null;
            }

            foreach (var lambda in node.Ancestors().OfType<AnonymousFunctionExpressionSyntax>())
            {
                var start = lambda.FirstAncestorOrSelf<ArgumentSyntax>()?.Parent?.Parent;
                if (start is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax
                    && semanticModel.GetOperation(start, cancellationToken) is { } operation
                    && BackgroundWork.TryGet(operation, types) is { Body: { } body }
                    && body.Syntax == lambda)
                {
                    return lambda;
                }
            }

            return null;
        }

        /// <summary><paramref name="name"/>, or name2, name3...: one that nothing in the lambda or around it already means (the captured context may keep its name: it is replaced).</summary>
        private static string FreeName(string name, AnonymousFunctionExpressionSyntax lambda, int position, ISymbol captured, SemanticModel semanticModel)
        {
            var declaredInside = new HashSet<string>(
                lambda.DescendantNodesAndSelf().Select(n => n switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Identifier.ValueText,
                    ParameterSyntax parameter => parameter.Identifier.ValueText,
                    SingleVariableDesignationSyntax designation => designation.Identifier.ValueText,
                    ForEachStatementSyntax forEach => forEach.Identifier.ValueText,
                    LocalFunctionStatementSyntax localFunction => localFunction.Identifier.ValueText,
                    _ => null,
                }).Where(n => n != null)!);

            for (var suffix = 1; suffix < 100; suffix++)
            {
                var candidate = suffix == 1 ? name : name + suffix;
                if (declaredInside.Contains(candidate))
                {
                    continue;
                }

                var visible = semanticModel.LookupSymbols(position, name: candidate);
                if (visible.All(s => SymbolEqualityComparer.Default.Equals(s, captured)))
                {
                    return candidate;
                }
            }

            return name;
        }

        private static IMethodSymbol? GetFunctionSymbol(SyntaxNode node, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax lambda:
                        return semanticModel.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol;
                    case LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                        return semanticModel.GetDeclaredSymbol(ancestor, cancellationToken) as IMethodSymbol;
                    case ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                        return (semanticModel.GetDeclaredSymbol(property, cancellationToken) as IPropertySymbol)?.GetMethod;
                }
            }

            return null;
        }

        private static ITypeSymbol? ElementType(ITypeSymbol? type, INamedTypeSymbol? sequence)
        {
            if (type is null || sequence is null)
            {
                return null;
            }

            foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
            {
                if (candidate is INamedTypeSymbol { Arity: 1 } named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, sequence))
                {
                    return named.TypeArguments[0];
                }
            }

            return null;
        }
    }
}
