using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>Where an operation runs: which function encloses it, and whether that function is async.</summary>
    internal static class AsyncContext
    {
        /// <summary>
        /// The innermost lambda, anonymous method or local function around the operation, or else
        /// the member being analyzed (<paramref name="containingSymbol"/>: the action's ContainingSymbol).
        /// </summary>
        public static IMethodSymbol? GetEnclosingFunction(IOperation operation, ISymbol? containingSymbol)
        {
            // By kind: a type test against an interface scans the interfaces of each ancestor's class.
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                switch (current.Kind)
                {
                    case OperationKind.AnonymousFunction:
                        return ((IAnonymousFunctionOperation)current).Symbol;
                    case OperationKind.LocalFunction:
                        return ((ILocalFunctionOperation)current).Symbol;
                }
            }

            return containingSymbol as IMethodSymbol;
        }

        /// <summary>Whether the code at the operation can use <c>await</c>.</summary>
        public static bool IsInAsyncFunction(IOperation operation, ISymbol? containingSymbol)
            => GetEnclosingFunction(operation, containingSymbol)?.IsAsync == true;

        /// <summary>The function's kind for messages: "method", "lambda" or "local function".</summary>
        public static string DescribeKind(IMethodSymbol function) => function.MethodKind switch
        {
            MethodKind.AnonymousFunction => "lambda",
            MethodKind.LocalFunction => "local function",
            _ => "method",
        };

        /// <summary>The function's name for messages; lambdas are named after the member that holds them.</summary>
        public static string DescribeName(IMethodSymbol function)
        {
            if (function.MethodKind != MethodKind.AnonymousFunction)
            {
                return function.Name;
            }

            for (ISymbol? owner = function.ContainingSymbol; owner != null; owner = owner.ContainingSymbol)
            {
                if (owner is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction } method)
                {
                    return method.Name;
                }
            }

            return "lambda";
        }

        /// <summary>Whether the type is awaitable in the ways data-access code returns: Task, ValueTask and their generic forms.</summary>
        public static bool IsTaskLike(ITypeSymbol? type, KnownTypes types)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var definition = named.OriginalDefinition;
            return definition.InheritsFromOrEquals(types.Task)
                   || definition.IsType(types.TaskOfT)
                   || definition.IsType(types.ValueTask)
                   || definition.IsType(types.ValueTaskOfT);
        }
    }
}
