using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>An EF Core async method that can replace a call, and what the replacement needs.</summary>
    internal sealed class AsyncCounterpart
    {
        public AsyncCounterpart(string name, INamedTypeSymbol container, bool acceptsToken, bool wrapsParamsArray)
        {
            Name = name;
            Container = container;
            AcceptsToken = acceptsToken;
            WrapsParamsArray = wrapsParamsArray;
        }

        /// <summary>The method name to call (<c>ToListAsync</c>, <c>SaveChangesAsync</c>, <c>FindAsync</c>).</summary>
        public string Name { get; }

        /// <summary>The type declaring it (for extension methods, the class whose namespace must be imported).</summary>
        public INamedTypeSymbol Container { get; }

        /// <summary>Whether an overload with the same leading parameters takes a trailing CancellationToken.</summary>
        public bool AcceptsToken { get; }

        /// <summary>
        /// Whether that token-taking overload takes the original's <c>params</c> array as a plain array
        /// or sequence (<c>FindAsync(object[], CancellationToken)</c>,
        /// <c>ExecuteSqlRawAsync(string, IEnumerable&lt;object&gt;, CancellationToken)</c>): arguments
        /// written in expanded form must then be wrapped into an array before the token is added.
        /// </summary>
        public bool WrapsParamsArray { get; }
    }

    /// <summary>
    /// Which async method matches a synchronous EF Core method, and which overload of an async
    /// method takes a CancellationToken. Decided by parameter shapes (same generic definitions,
    /// any type parameter for any type parameter) so that an overload is only proposed where the
    /// call's arguments still fit it.
    /// </summary>
    internal static class AsyncCounterparts
    {
        /// <summary>
        /// The async counterpart of a synchronous EF Core method (<paramref name="method"/> unreduced),
        /// or <c>null</c> when none takes the same arguments: <c>ToLookup</c>, <c>Count(Func&lt;T, bool&gt;)</c>
        /// (EF's CountAsync takes an expression), ...
        /// </summary>
        public static AsyncCounterpart? Find(IMethodSymbol method, KnownTypes types)
        {
            // Compare definitions: `FirstOrDefault<Order>` against `FirstOrDefaultAsync<TSource>`.
            method = method.Unreduced().OriginalDefinition;
            var name = method.Name + "Async";

            // LINQ operators on an EF query live in Enumerable/Queryable; their async forms in
            // EntityFrameworkQueryableExtensions, whose source parameter is IQueryable<T>.
            var isLinqOperator = method.IsContainedIn(types.Enumerable) || method.IsContainedIn(types.Queryable);
            var containers = new List<INamedTypeSymbol>();
            if (!isLinqOperator)
            {
                for (var type = method.ContainingType; type != null; type = type.BaseType)
                {
                    containers.Add(type);
                }
            }

            if (types.EntityFrameworkQueryableExtensions != null)
            {
                containers.Add(types.EntityFrameworkQueryableExtensions);
            }

            if (types.RelationalQueryableExtensions != null)
            {
                containers.Add(types.RelationalQueryableExtensions);
            }

            return FindOverload(method, name, containers, isLinqOperator ? 1 : 0, types);
        }

        /// <summary>
        /// For an async EF Core method called without a token because its chosen overload has no
        /// token parameter (<c>FindAsync(params object[])</c>), the overload that adds one.
        /// </summary>
        public static AsyncCounterpart? FindTokenOverload(IMethodSymbol method, KnownTypes types)
        {
            method = method.Unreduced().OriginalDefinition;
            var containers = new List<INamedTypeSymbol>();
            for (var type = method.ContainingType; type != null; type = type.BaseType)
            {
                containers.Add(type);
            }

            var found = FindOverload(method, method.Name, containers, 0, types);
            return found is { AcceptsToken: true } ? found : null;
        }

        /// <summary>The method's CancellationToken parameter, if it has one.</summary>
        public static IParameterSymbol? GetTokenParameter(IMethodSymbol method, KnownTypes types)
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

        private static AsyncCounterpart? FindOverload(IMethodSymbol method, string name, List<INamedTypeSymbol> containers, int skip, KnownTypes types)
        {
            INamedTypeSymbol? found = null;
            var acceptsToken = false;
            var wraps = false;
            foreach (var container in containers)
            {
                foreach (var member in container.GetMembers(name))
                {
                    if (member is not IMethodSymbol candidate
                        || candidate.Arity != method.Arity
                        || candidate.IsStatic != method.IsStatic
                        || candidate.DeclaredAccessibility != Accessibility.Public)
                    {
                        continue;
                    }

                    var parameters = candidate.Parameters;
                    var hasToken = parameters.Length > 0 && parameters[parameters.Length - 1].Type.IsType(types.CancellationToken);
                    var count = hasToken ? parameters.Length - 1 : parameters.Length;
                    if (count != method.Parameters.Length || !SameShapes(method, candidate, skip, out var wrapsHere))
                    {
                        continue;
                    }

                    found ??= container;
                    if (hasToken && !acceptsToken)
                    {
                        acceptsToken = true;
                        wraps = wrapsHere;
                    }
                }

                if (found != null)
                {
                    break;
                }
            }

            return found is null ? null : new AsyncCounterpart(name, found, acceptsToken, wraps);
        }

        private static bool SameShapes(IMethodSymbol method, IMethodSymbol candidate, int skip, out bool wrapsParams)
        {
            wrapsParams = false;
            for (var i = skip; i < method.Parameters.Length; i++)
            {
                var original = method.Parameters[i];
                var other = candidate.Parameters[i];
                if (original.RefKind != other.RefKind)
                {
                    return false;
                }

                if (SameShape(original.Type, other.Type))
                {
                    wrapsParams |= original.IsParams && !other.IsParams;
                    continue;
                }

                // `params object[]` against `IEnumerable<object>` (ExecuteSqlRawAsync's token overload).
                if (original.IsParams && original.Type is IArrayTypeSymbol array
                    && other.Type is INamedTypeSymbol { IsGenericType: true } sequence
                    && sequence.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
                    && SameShape(array.ElementType, sequence.TypeArguments[0]))
                {
                    wrapsParams = true;
                    continue;
                }

                return false;
            }

            return true;
        }

        private static bool SameShape(ITypeSymbol a, ITypeSymbol b)
        {
            switch (a)
            {
                case ITypeParameterSymbol:
                    return b is ITypeParameterSymbol;
                case IArrayTypeSymbol arrayA:
                    return b is IArrayTypeSymbol arrayB && arrayA.Rank == arrayB.Rank && SameShape(arrayA.ElementType, arrayB.ElementType);
                case INamedTypeSymbol namedA when namedA.IsGenericType:
                    if (b is not INamedTypeSymbol { IsGenericType: true } namedB
                        || !SymbolEqualityComparer.Default.Equals(namedA.OriginalDefinition, namedB.OriginalDefinition)
                        || namedA.TypeArguments.Length != namedB.TypeArguments.Length)
                    {
                        return false;
                    }

                    for (var i = 0; i < namedA.TypeArguments.Length; i++)
                    {
                        if (!SameShape(namedA.TypeArguments[i], namedB.TypeArguments[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return SymbolEqualityComparer.Default.Equals(a, b);
            }
        }
    }
}
