using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>Which <see cref="System.Threading.CancellationToken"/> code can pass at a given point.</summary>
    internal static class CancellationTokens
    {
        /// <summary>
        /// The token parameter visible at <paramref name="operation"/>: the innermost enclosing
        /// lambda's or local function's, then the enclosing ones', then the containing method's.
        /// A <c>static</c> lambda or local function sees only its own parameters.
        /// <c>null</c> when there is none (callers then pass nothing and keep the default).
        /// </summary>
        public static IParameterSymbol? FindTokenInScope(IOperation? operation, KnownTypes types)
        {
            if (operation is null || types.CancellationToken is null)
            {
                return null;
            }

            for (var current = operation; current != null; current = current.Parent)
            {
                IMethodSymbol? function = current switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation localFunction => localFunction.Symbol,
                    _ => null,
                };

                if (function is null)
                {
                    continue;
                }

                var token = FindTokenParameter(function, types);
                if (token != null)
                {
                    return token;
                }

                if (function.IsStatic)
                {
                    return null;
                }
            }

            var containing = operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
            while (containing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                containing = nested.ContainingSymbol;
            }

            return containing is IMethodSymbol method ? FindTokenParameter(method, types) : null;
        }

        /// <summary>
        /// The token an operation should pass, as code can write it at the operation:
        /// <list type="number">
        /// <item>a <c>CancellationToken</c> parameter of the enclosing lambda, local function or method,
        /// innermost first (captured outer parameters count; <c>BackgroundService.ExecuteAsync</c>'s
        /// <c>stoppingToken</c> is one of these);</item>
        /// <item>else <c>x.RequestAborted</c> for an <c>HttpContext</c> parameter <c>x</c> (minimal-API
        /// handlers, middleware), innermost first;</item>
        /// <item>else <c>HttpContext.RequestAborted</c> in an instance member of a class deriving from
        /// <c>ControllerBase</c> (MVC, API controllers) or <c>PageModel</c> (Razor Pages).</item>
        /// </list>
        /// Locals and fields holding a token are not considered: a local may be a linked or timed token
        /// the author keeps for a narrower purpose, and a field's token has no request behind it. A
        /// <c>static</c> lambda or local function sees only its own parameters. A name that something
        /// nearer shadows at the operation is skipped. <c>null</c> when nothing applies.
        /// </summary>
        /// <param name="containingSymbol">The member being analyzed (an action's ContainingSymbol); found from the semantic model when <c>null</c>.</param>
        public static TokenInScope? Find(IOperation? operation, ISymbol? containingSymbol, KnownTypes types)
        {
            if (operation is null || types.CancellationToken is null)
            {
                return null;
            }

            var functions = new List<IMethodSymbol>();
            var isolated = false;
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                IMethodSymbol? function = current switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation localFunction => localFunction.Symbol,
                    _ => null,
                };

                if (function is null)
                {
                    continue;
                }

                functions.Add(function);
                if (function.IsStatic)
                {
                    isolated = true;
                    break;
                }
            }

            var member = containingSymbol ?? operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
            while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                member = nested.ContainingSymbol;
            }

            if (!isolated && member is IMethodSymbol method)
            {
                functions.Add(method);
            }

            var model = operation.SemanticModel;
            var position = operation.Syntax.SpanStart;
            var scope = OperationTrees.Root(operation).Syntax;

            foreach (var function in functions)
            {
                foreach (var parameter in function.Parameters)
                {
                    if (parameter.Type.IsType(types.CancellationToken) && parameter.RefKind != RefKind.Out && IsVisible(model, scope, position, parameter))
                    {
                        return new TokenInScope(parameter.Name, parameter, isRequestAborted: false);
                    }
                }
            }

            if (types.HttpContext is null)
            {
                return null;
            }

            foreach (var function in functions)
            {
                foreach (var parameter in function.Parameters)
                {
                    if (parameter.Type.IsType(types.HttpContext) && parameter.RefKind != RefKind.Out && IsVisible(model, scope, position, parameter))
                    {
                        return new TokenInScope(parameter.Name + ".RequestAborted", parameter, isRequestAborted: true);
                    }
                }
            }

            if (isolated || member is null || member.IsStatic || member is not IMethodSymbol || member.ContainingType is not { } type
                || !(type.InheritsFromOrEquals(types.ControllerBase) || type.InheritsFromOrEquals(types.PageModel)))
            {
                return null;
            }

            var hidden = false;
            for (var current = type; current != null; current = current.BaseType)
            {
                foreach (var candidate in current.GetMembers("HttpContext"))
                {
                    if (candidate is IPropertySymbol { IsStatic: false } property
                        && property.Type.IsType(types.HttpContext)
                        && IsVisible(model, hidden ? null : scope, position, property))
                    {
                        return new TokenInScope("HttpContext.RequestAborted", property, isRequestAborted: true);
                    }

                    // A nearer member of the name may hide the property: the name must be bound.
                    hidden = true;
                }
            }

            return null;
        }

        // The name, written at the operation, must still mean the symbol: a nearer local, parameter or
        // member of the same name would capture it. The name is bound as an expression at that
        // position, as the fix will write it; LookupSymbols would list every import's names first.
        // Binding is costly, and a name that nothing in the member declares again (the usual case)
        // cannot be captured: locals and parameters are declared inside the member, and parameters
        // and locals hide members. So the member's tokens are searched first (pass no scope when
        // a member may hide the symbol).
        private static bool IsVisible(SemanticModel? model, SyntaxNode? scope, int position, ISymbol symbol)
        {
            if (model is null)
            {
                return true;
            }

            if (scope != null && !IsDeclaredAgain(scope, symbol))
            {
                return true;
            }

            var bound = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(symbol.Name), SpeculativeBindingOption.BindAsExpression).Symbol;
            return bound != null
                   && (SymbolEqualityComparer.Default.Equals(bound, symbol)
                       || SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, symbol.OriginalDefinition));
        }

        /// <summary>
        /// Whether an identifier token of the symbol's name in <paramref name="scope"/> is anything but
        /// a use (a simple name) or the symbol's own declaration: a local, a parameter, a range or
        /// pattern variable, a label, a local function... Conservative: any such token counts.
        /// </summary>
        private static bool IsDeclaredAgain(SyntaxNode scope, ISymbol symbol)
        {
            var name = symbol.Name;
            foreach (var token in scope.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name || token.Parent is IdentifierNameSyntax)
                {
                    continue;
                }

                if (token.Parent is ParameterSyntax declaration && IsDeclarationOf(declaration, symbol))
                {
                    continue;
                }

                return true;
            }

            return false;
        }

        private static bool IsDeclarationOf(SyntaxNode declaration, ISymbol symbol)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == declaration.SyntaxTree && reference.Span == declaration.Span)
                {
                    return true;
                }
            }

            return false;
        }

        private static IParameterSymbol? FindTokenParameter(IMethodSymbol method, KnownTypes types)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.IsType(types.CancellationToken))
                {
                    return parameter;
                }
            }

            return null;
        }
    }

    /// <summary>A CancellationToken reachable at an operation, and how to write it there.</summary>
    internal sealed class TokenInScope
    {
        public TokenInScope(string expression, ISymbol symbol, bool isRequestAborted)
        {
            Expression = expression;
            Symbol = symbol;
            IsRequestAborted = isRequestAborted;
        }

        /// <summary>C# for the token at the operation: <c>cancellationToken</c>, <c>context.RequestAborted</c>, <c>HttpContext.RequestAborted</c>.</summary>
        public string Expression { get; }

        /// <summary>The CancellationToken parameter, or the HttpContext parameter or property whose <c>RequestAborted</c> is meant.</summary>
        public ISymbol Symbol { get; }

        /// <summary>Whether the token is an <c>HttpContext.RequestAborted</c>.</summary>
        public bool IsRequestAborted { get; }
    }
}
