using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// Which calls start asynchronous data access (EF Core operations, ADO.NET's
    /// <c>System.Data.Common</c> types, the ASP.NET Core session, the distributed cache), and
    /// which of them a task expression comes from.
    /// </summary>
    internal static class AsyncDataAccessCalls
    {
        // A task travels through a handful of locals and wrappers at most; the bound keeps
        // half-typed cycles (`var a = b; var b = a;`) finite.
        private const int MaxWalkDepth = 16;

        /// <summary>
        /// Whether the invocation is an asynchronous data-access call: an EF Core async operation
        /// (<see cref="DataAccessModel.Classify"/> with IsAsync, which includes
        /// <c>IDbContextFactory.CreateDbContextAsync</c>), an async method of DbConnection,
        /// DbCommand, DbDataReader, DbTransaction or DbBatch (and their providers' overrides),
        /// <c>ISession.LoadAsync/CommitAsync</c>, or an async method of IDistributedCache or of
        /// <c>DistributedCacheExtensions</c>.
        /// </summary>
        public static bool IsAsyncDataAccessCall(DataAccessModel model, IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod.Unreduced();
            if (!AsyncContext.IsTaskLike(method.ReturnType, model.Types))
            {
                return false;
            }

            if (model.Classify(invocation) is { IsAsync: true })
            {
                return true;
            }

            if (!method.Name.EndsWith("Async", System.StringComparison.Ordinal))
            {
                return false;
            }

            var types = model.Types;
            var containingType = method.ContainingType;
            return containingType.InheritsFromOrEquals(types.DbConnection)
                   || containingType.InheritsFromOrEquals(types.DbCommand)
                   || containingType.InheritsFromOrEquals(types.DbDataReader)
                   || containingType.InheritsFromOrEquals(types.DbTransaction)
                   || containingType.InheritsFromOrEquals(types.DbBatch)
                   || containingType.Implements(types.Session)
                   || DistributedCacheCalls.IsCacheMethod(method, types);
        }

        /// <summary>
        /// The asynchronous data-access call a task expression comes from, or <c>null</c>. Follows
        /// conversions and parentheses, <c>AsTask()</c> and <c>ConfigureAwait(...)</c>, a local's
        /// initializer (<c>var t = db.Orders.ToListAsync(); t.Result</c>), and the tasks combined by
        /// <c>Task.WhenAll</c>/<c>WhenAny</c>.
        /// </summary>
        public static IInvocationOperation? FindSource(DataAccessModel model, IOperation? taskExpression)
            => FindSource(model, taskExpression, 0);

        private static IInvocationOperation? FindSource(DataAccessModel model, IOperation? operation, int depth)
        {
            for (; operation != null && depth < MaxWalkDepth; depth++)
            {
                operation = DataAccessModel.Unwrap(operation);
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        operation = DataAccessModel.GetLocalInitializer(local);
                        continue;

                    case IArrayCreationOperation:
                    case ICollectionExpressionOperation:
                        return FindInElements(model, Elements(operation), depth);

                    case IInvocationOperation invocation:
                        if (IsAsyncDataAccessCall(model, invocation))
                        {
                            return invocation;
                        }

                        var method = invocation.TargetMethod;
                        if (method.Name is "AsTask" or "ConfigureAwait"
                            && (method.IsContainedIn(model.Types.Task) || method.IsContainedIn(model.Types.TaskOfT)
                                || method.IsContainedIn(model.Types.ValueTask) || method.IsContainedIn(model.Types.ValueTaskOfT)))
                        {
                            operation = invocation.Instance;
                            continue;
                        }

                        if (method.Name is "WhenAll" or "WhenAny" && method.IsContainedIn(model.Types.Task))
                        {
                            foreach (var argument in invocation.Arguments)
                            {
                                var found = FindSource(model, argument.Value, depth + 1);
                                if (found != null)
                                {
                                    return found;
                                }
                            }
                        }

                        return null;

                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// The elements of an array creation or a collection expression: what a <c>params Task[]</c> or
        /// <c>params ReadOnlySpan&lt;Task&gt;</c> argument list (<c>Task.WhenAll(a, b)</c>) is bound to.
        /// </summary>
        public static ImmutableArray<IOperation> Elements(IOperation? operation)
        {
            switch (operation is null ? null : DataAccessModel.Unwrap(operation))
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    return initializer.ElementValues;
                case ICollectionExpressionOperation collection:
                    return collection.Elements;
                default:
                    return ImmutableArray<IOperation>.Empty;
            }
        }

        private static IInvocationOperation? FindInElements(DataAccessModel model, ImmutableArray<IOperation> elements, int depth)
        {
            foreach (var element in elements)
            {
                var found = FindSource(model, element, depth + 1);
                if (found != null)
                {
                    return found;
                }
            }

            return null;
        }
    }
}
