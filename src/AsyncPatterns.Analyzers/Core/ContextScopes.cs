using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// The <c>using</c> that ends a context's life: the context's own <c>using</c> (statement or
    /// declaration), or the <c>using</c> of the DI scope it was resolved from.
    /// </summary>
    internal sealed class ContextDisposal
    {
        public ContextDisposal(ILocalSymbol disposedLocal, SyntaxNode region, SyntaxNode function, bool isServiceScope)
        {
            DisposedLocal = disposedLocal;
            Region = region;
            Function = function;
            IsServiceScope = isServiceScope;
        }

        /// <summary>The local the <c>using</c> disposes: the context, or the <c>IServiceScope</c> it came from.</summary>
        public ILocalSymbol DisposedLocal { get; }

        /// <summary>
        /// The syntax the disposed local lives in: the <c>using</c> statement, or the block (switch
        /// section, top-level statements) holding the <c>using</c> declaration. Disposal happens
        /// when control leaves it.
        /// </summary>
        public SyntaxNode Region { get; }

        /// <summary>The method, accessor, lambda or local function whose body holds the <c>using</c>.</summary>
        public SyntaxNode Function { get; }

        public bool IsServiceScope { get; }

        /// <summary>Whether the context is still alive at <paramref name="site"/> and disposed when its function returns.</summary>
        public bool IsAliveAndDisposedOnReturn(SyntaxNode site)
            => Region.Span.Contains(site.Span) && ContextScopes.GetEnclosingFunction(site) == Function;

        /// <summary>Whether <paramref name="site"/> runs after the <c>using</c> has disposed the context, in the same function.</summary>
        public bool IsAfterDisposal(SyntaxNode site)
            => site.SpanStart >= Region.Span.End
               && ContextScopes.GetEnclosingFunction(site) == Function;
    }

    /// <summary>
    /// Where a context's life ends. EF Core disposes a context (and returns its connection) when
    /// its <c>using</c> ends or when the DI scope that resolved it is disposed; any deferred query,
    /// delegate or task that still uses it afterwards throws <see cref="System.ObjectDisposedException"/>
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#the-dbcontext-lifetime).
    /// </summary>
    internal static class ContextScopes
    {
        /// <summary>
        /// The <c>using</c> that disposes this context instance: a local declared with
        /// <c>using</c>/<c>await using</c>, or a context resolved (directly, or through a local
        /// initialized with it) from <c>scope.ServiceProvider</c> of a scope declared with <c>using</c>.
        /// <c>null</c> for injected contexts, fields, parameters and contexts nobody disposes here.
        /// </summary>
        public static ContextDisposal? GetDisposal(ContextInstance? instance, SemanticModel? semanticModel)
        {
            switch (instance)
            {
                case { Kind: ContextInstanceKind.Local, Symbol: ILocalSymbol local }:
                    var own = GetUsingDisposal(local, isServiceScope: false);
                    if (own != null)
                    {
                        return own;
                    }

                    var initializer = GetInitializerSyntax(local);
                    return initializer != null && semanticModel != null && initializer.SyntaxTree == semanticModel.SyntaxTree
                        ? GetScopeDisposalOfResolution(semanticModel.GetOperation(initializer))
                        : null;

                case { Kind: ContextInstanceKind.Created, Origin: { } origin } when semanticModel != null && origin.SyntaxTree == semanticModel.SyntaxTree:
                    return GetScopeDisposalOfResolution(semanticModel.GetOperation(origin));

                default:
                    return null;
            }
        }

        /// <summary>
        /// For a context-valued expression resolved from a DI scope
        /// (<c>scope.ServiceProvider.GetRequiredService&lt;ShopContext&gt;()</c>), the <c>using</c> of that scope.
        /// </summary>
        public static ContextDisposal? GetScopeDisposalOfResolution(IOperation? value)
        {
            if (value is null)
            {
                return null;
            }

            value = DataAccessModel.Unwrap(value);
            if (value is not IInvocationOperation { TargetMethod.Name: "GetRequiredService" or "GetService" } invocation)
            {
                return null;
            }

            var provider = DataAccessModel.GetReceiver(invocation);
            if (provider != null && DataAccessModel.Unwrap(provider) is IPropertyReferenceOperation { Property.Name: "ServiceProvider", Instance: { } scope }
                && DataAccessModel.Unwrap(scope) is ILocalReferenceOperation scopeLocal)
            {
                return GetUsingDisposal(scopeLocal.Local, isServiceScope: true);
            }

            return null;
        }

        /// <summary>The <c>using</c> statement or declaration that declares <paramref name="local"/>, if any.</summary>
        public static ContextDisposal? GetUsingDisposal(ILocalSymbol local, bool isServiceScope)
        {
            if (local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration })
            {
                return null;
            }

            SyntaxNode? region = declaration.Parent switch
            {
                UsingStatementSyntax usingStatement => usingStatement,
                LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } statement => statement.Parent is GlobalStatementSyntax global ? global.Parent : statement.Parent,
                _ => null,
            };

            var function = region is null ? null : GetEnclosingFunction(region);
            return region is null || function is null ? null : new ContextDisposal(local, region, function, isServiceScope);
        }

        /// <summary>
        /// The function a piece of code runs in: the nearest lambda, anonymous method, local
        /// function, or member (method, accessor, constructor, operator), or the compilation unit
        /// for top-level statements.
        /// </summary>
        public static SyntaxNode? GetEnclosingFunction(SyntaxNode node)
        {
            for (var current = node; current != null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case BaseMethodDeclarationSyntax:
                    case AccessorDeclarationSyntax:
                    case ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax or IndexerDeclarationSyntax }:
                    case CompilationUnitSyntax:
                        return current;
                }
            }

            return null;
        }

        private static SyntaxNode? GetInitializerSyntax(ILocalSymbol local)
            => local.DeclaringSyntaxReferences.Length == 1
               && local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value }
                ? value
                : null;
    }
}
