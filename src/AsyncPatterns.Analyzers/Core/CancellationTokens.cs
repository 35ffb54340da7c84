using Microsoft.CodeAnalysis;
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
}
