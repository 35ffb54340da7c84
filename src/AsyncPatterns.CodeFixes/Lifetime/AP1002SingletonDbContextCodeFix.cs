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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// AP1002: register the context as scoped (<c>AddSingleton</c> → <c>AddScoped</c>,
    /// <c>ServiceLifetime.Singleton</c> → <c>ServiceLifetime.Scoped</c>), or, for AddDbContext,
    /// register a factory: since EF Core 6 <c>AddDbContextFactory</c> also registers the context
    /// itself as scoped, so its consumers keep working
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#use-a-dbcontext-factory).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP1002SingletonDbContextCodeFix))]
    [Shared]
    public sealed class AP1002SingletonDbContextCodeFix : CodeFixProvider
    {
        public const string ScopedKey = "AP1002.Scoped";
        public const string FactoryKey = "AP1002.AddDbContextFactory";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SingletonDbContext);

        // Every fix edits its own registration call; no two interact.
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
                if (!diagnostic.Properties.TryGetValue(AP1002SingletonDbContextAnalyzer.FixProperty, out var fix) || fix is null)
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (node is null)
                {
                    continue;
                }

                if (CanMakeScoped(node, diagnostic.Location.SourceSpan))
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Register as scoped",
                            ct => MakeScopedAsync(context.Document, diagnostic.Location.SourceSpan, ct),
                            ScopedKey),
                        diagnostic);
                }

                if (fix == AP1002SingletonDbContextAnalyzer.FixScopedOrFactory && FactoryCandidate(node) is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Use AddDbContextFactory",
                            ct => UseFactoryAsync(context.Document, diagnostic.Location.SourceSpan, ct),
                            FactoryKey),
                        diagnostic);
                }
            }
        }

        private static bool CanMakeScoped(SyntaxNode node, Microsoft.CodeAnalysis.Text.TextSpan span)
        {
            if (node.FirstAncestorOrSelf<ArgumentSyntax>() is { } argument && argument.Expression.Span == span)
            {
                return true;
            }

            var token = node.FindToken(span.Start);
            return token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText.Contains("Singleton");
        }

        private static async Task<Document> MakeScopedAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var argument = node.FirstAncestorOrSelf<ArgumentSyntax>();
            if (argument is not null && argument.Expression.Span == span)
            {
                // ServiceLifetime.Singleton → ServiceLifetime.Scoped, keeping the qualification the code uses.
                ExpressionSyntax replacement = argument.Expression is MemberAccessExpressionSyntax access && access.Name.Identifier.ValueText == "Singleton"
                    ? access.WithName(SyntaxFactory.IdentifierName("Scoped").WithTriviaFrom(access.Name))
                    : SyntaxFactory.ParseExpression("global::Microsoft.Extensions.DependencyInjection.ServiceLifetime.Scoped")
                        .WithTriviaFrom(argument.Expression)
                        .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
                return document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, replacement));
            }

            var token = root.FindToken(span.Start);
            if (!token.IsKind(SyntaxKind.IdentifierToken))
            {
                return document;
            }

            // AddSingleton → AddScoped, TryAddSingleton → TryAddScoped, AddKeyedSingleton → AddKeyedScoped,
            // ServiceDescriptor.Singleton → ServiceDescriptor.Scoped.
            var renamed = SyntaxFactory.Identifier(token.LeadingTrivia, token.ValueText.Replace("Singleton", "Scoped"), token.TrailingTrivia);
            return document.WithSyntaxRoot(root.ReplaceToken(token, renamed));
        }

        /// <summary>The AddDbContext&lt;TContext&gt; call a factory can replace: one type argument (the two-type form has no factory counterpart).</summary>
        private static InvocationExpressionSyntax? FactoryCandidate(SyntaxNode node)
        {
            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            var name = invocation?.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            return name is GenericNameSyntax { Identifier.ValueText: "AddDbContext", TypeArgumentList.Arguments.Count: 1 } ? invocation : null;
        }

        private static async Task<Document> UseFactoryAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var invocation = root is null ? null : FactoryCandidate(root.FindNode(span, getInnermostNodeForTie: true));
            if (root is null || semanticModel is null || invocation is null
                || semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return document;
            }

            var parameters = (method.ReducedFrom ?? method).Parameters;
            var offset = method.ReducedFrom is null ? 0 : 1;

            // AddDbContextFactory has neither contextLifetime nor optionsLifetime: the factory and its options are singletons.
            var kept = invocation.ArgumentList.Arguments
                .Where((argument, index) =>
                {
                    var parameterName = argument.NameColon?.Name.Identifier.ValueText
                                        ?? (index + offset < parameters.Length ? parameters[index + offset].Name : null);
                    return parameterName is not ("contextLifetime" or "optionsLifetime");
                })
                .ToList();
            var arguments = SyntaxFactory.SeparatedList(kept.Select((a, i) => i == 0 ? a.WithLeadingTrivia() : a));
            var newInvocation = invocation
                .WithExpression(RenameToFactory(invocation.Expression))
                .WithArgumentList(invocation.ArgumentList.WithArguments(arguments))
                .WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(invocation, newInvocation));
        }

        private static ExpressionSyntax RenameToFactory(ExpressionSyntax expression)
        {
            switch (expression)
            {
                case MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } access:
                    return access.WithName(generic.WithIdentifier(SyntaxFactory.Identifier(generic.Identifier.LeadingTrivia, "AddDbContextFactory", generic.Identifier.TrailingTrivia)));
                case GenericNameSyntax generic:
                    return generic.WithIdentifier(SyntaxFactory.Identifier(generic.Identifier.LeadingTrivia, "AddDbContextFactory", generic.Identifier.TrailingTrivia));
                default:
                    return expression;
            }
        }
    }
}
