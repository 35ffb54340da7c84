using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// Calls to <c>IDistributedCache</c> (Redis, SQL Server, PostgreSQL, ...: a network round trip
    /// behind every call) and to the framework's <c>DistributedCacheExtensions</c>, and the async
    /// counterpart of each synchronous one.
    /// </summary>
    internal static class DistributedCacheCalls
    {
        /// <summary>
        /// Whether the method belongs to the distributed cache: a member of <c>IDistributedCache</c> or
        /// of a type implementing it (<c>MemoryDistributedCache</c>, a provider's cache class), or a
        /// method of <c>DistributedCacheExtensions</c>.
        /// </summary>
        public static bool IsCacheMethod(IMethodSymbol method, KnownTypes types)
        {
            method = method.Unreduced();
            return method.IsContainedIn(types.DistributedCacheExtensions)
                   || (!method.IsStatic && method.ContainingType.Implements(types.DistributedCache));
        }

        /// <summary>
        /// For a synchronous cache call (<c>Get</c>, <c>Set</c>, <c>Refresh</c>, <c>Remove</c>, and the
        /// extensions <c>GetString</c>, <c>SetString</c>, <c>Set(key, value)</c>; <c>TryGet</c> of
        /// <c>IBufferDistributedCache</c> too), its async counterpart: the method named
        /// <c>&lt;name&gt;Async</c> in the same type whose parameters are the same followed by one
        /// <c>CancellationToken</c>. <c>null</c> for anything else, async calls included.
        /// </summary>
        public static IMethodSymbol? FindAsyncCounterpart(IInvocationOperation invocation, KnownTypes types)
        {
            var method = invocation.TargetMethod.Unreduced();

            // Runs for every invocation: the name rules out nearly all of them before any symbol test.
            if (method.Name is not ("Get" or "Set" or "Refresh" or "Remove" or "GetString" or "SetString" or "TryGet")
                || !IsCacheMethod(method, types)
                || method.Name.EndsWith("Async", System.StringComparison.Ordinal)
                || AsyncContext.IsTaskLike(method.ReturnType, types)
                || method.MethodKind != MethodKind.Ordinary)
            {
                return null;
            }

            foreach (var member in method.ContainingType.GetMembers(method.Name + "Async"))
            {
                if (member is IMethodSymbol candidate
                    && candidate.IsStatic == method.IsStatic
                    && candidate.Parameters.Length == method.Parameters.Length + 1
                    && candidate.Parameters[method.Parameters.Length].Type.IsType(types.CancellationToken)
                    && AsyncContext.IsTaskLike(candidate.ReturnType, types)
                    && SameParameters(method, candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>Whether the invocation is an asynchronous cache call (<c>GetAsync</c>, <c>SetStringAsync</c>, ...).</summary>
        public static bool IsAsyncCacheCall(IInvocationOperation invocation, KnownTypes types)
        {
            var method = invocation.TargetMethod.Unreduced();
            return method.Name.EndsWith("Async", System.StringComparison.Ordinal)
                   && AsyncContext.IsTaskLike(method.ReturnType, types)
                   && IsCacheMethod(method, types);
        }

        private static bool SameParameters(IMethodSymbol method, IMethodSymbol candidate)
        {
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                var left = method.Parameters[i];
                var right = candidate.Parameters[i];
                if (left.RefKind != right.RefKind
                    || !SymbolEqualityComparer.Default.Equals(left.Type.OriginalDefinition, right.Type.OriginalDefinition))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
