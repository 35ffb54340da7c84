using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// EF queries that have not run yet. An <c>IQueryable</c> over a DbSet, and the
    /// <c>IEnumerable</c>/<c>IAsyncEnumerable</c> views of one (<c>AsEnumerable()</c>,
    /// <c>AsAsyncEnumerable()</c>, LINQ to Objects operators stacked on them) execute only when
    /// enumerated, against the context they were built from
    /// (https://learn.microsoft.com/ef/core/querying/how-query-works).
    /// </summary>
    internal static class DeferredQueries
    {
        private const int MaxWalkDepth = 32;

        /// <summary>
        /// Whether the expression is an EF query that will hit the database when enumerated:
        /// <see cref="DataAccessModel.IsEfQuery"/>, or deferred LINQ to Objects / async-enumerable
        /// views over one. Materialized results (<c>ToList()</c>, arrays, awaited <c>ToListAsync()</c>) are not.
        /// </summary>
        public static bool IsDeferredEfQuery(this DataAccessModel model, IOperation? operation)
        {
            for (var depth = 0; operation != null && depth < MaxWalkDepth; depth++)
            {
                operation = DataAccessModel.Unwrap(operation);
                if (model.IsEfQuery(operation))
                {
                    return true;
                }

                switch (operation)
                {
                    case IInvocationOperation invocation when IsDeferredView(model, invocation.TargetMethod.Unreduced()):
                        operation = DataAccessModel.GetReceiver(invocation);
                        continue;
                    case ILocalReferenceOperation local:
                        operation = DataAccessModel.GetLocalInitializer(local);
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Whether the type is a sequence interface that can defer execution (not a list or array).</summary>
        public static bool IsSequenceInterface(this DataAccessModel model, ITypeSymbol? type)
            => type is INamedTypeSymbol { TypeKind: TypeKind.Interface } named
               && (named.OriginalDefinition.Implements(model.Types.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T))
                   || IsAsyncEnumerable(named.OriginalDefinition))
               && !IsCollectionInterface(named);

        private static bool IsDeferredView(DataAccessModel model, IMethodSymbol method)
        {
            var types = model.Types;
            // ToLookup, ToAsyncEnumerable...: To* operators materialize (or re-wrap materialized data).
            if (method.Name.StartsWith("To", System.StringComparison.Ordinal) || !IsSequenceInterface(model, method.ReturnType))
            {
                return false;
            }

            // AsEnumerable, Where, Select, OrderBy... of LINQ to Objects; AsAsyncEnumerable of EF Core (and DbSet's own);
            // the operators of System.Linq.AsyncEnumerable (.NET 10).
            return method.IsContainedIn(types.Enumerable)
                   || method.IsContainedIn(types.EntityFrameworkQueryableExtensions)
                   || model.IsDbSetType(method.ContainingType)
                   || method.ContainingType is { Name: "AsyncEnumerable", Arity: 0, ContainingType: null } asyncEnumerable
                   && asyncEnumerable.ContainingNamespace.HasFullName("System.Linq");
        }

        // By name: IAsyncEnumerable<T> is also defined by Microsoft.Bcl.AsyncInterfaces, so the
        // metadata-name lookup can be ambiguous (null) in compilations that reference both.
        private static bool IsAsyncEnumerable(INamedTypeSymbol type)
            => type is { Name: "IAsyncEnumerable", Arity: 1, ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } };

        private static bool IsCollectionInterface(INamedTypeSymbol type)
            => type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_ICollection_T
                or SpecialType.System_Collections_Generic_IList_T
                or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
                or SpecialType.System_Collections_Generic_IReadOnlyList_T;
    }
}
