using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>One task handed to <c>Task.WhenAll</c>/<c>WhenAny</c>, and the EF Core operation it runs.</summary>
    internal sealed class CombinedTask
    {
        public CombinedTask(IOperation element, DataAccessOperation? operation, ILocalSymbol? local)
        {
            Element = element;
            Operation = operation;
            Local = local;
        }

        /// <summary>The element as written in the WhenAll arguments (or in the array/list a local holds).</summary>
        public IOperation Element { get; }

        /// <summary>The EF Core operation the task runs, when it is one with a known context.</summary>
        public DataAccessOperation? Operation { get; }

        /// <summary>The task local when the element is one (<c>var a = db.Orders.ToListAsync(); ... WhenAll(a, b)</c>).</summary>
        public ILocalSymbol? Local { get; }

        public ContextInstance? Context => Operation?.Context;
    }

    /// <summary>
    /// What runs at the same time: the tasks that <c>Task.WhenAll</c>/<c>WhenAny</c> combine, the
    /// body of a <c>Select</c> whose tasks they combine, and the contexts a parallel body shares.
    /// EF Core allows one operation at a time per context instance
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues).
    /// </summary>
    internal static class ConcurrentOperations
    {
        private const int MaxWalkDepth = 16;

        public static bool IsWhenAllOrAny(DataAccessModel model, IInvocationOperation invocation)
            => invocation.TargetMethod is { IsStatic: true, Name: "WhenAll" or "WhenAny" } method
               && method.IsContainedIn(model.Types.Task);

        /// <summary>
        /// The tasks a WhenAll/WhenAny call combines when they are listed: as arguments, in an array
        /// or collection expression, or in a local array or list initialized with them.
        /// </summary>
        public static ImmutableArray<CombinedTask> GetCombinedTasks(DataAccessModel model, IInvocationOperation whenAll)
        {
            var builder = ImmutableArray.CreateBuilder<CombinedTask>();
            foreach (var argument in whenAll.Arguments)
            {
                if (argument.Parameter?.Type is { } parameterType && model.Types.CancellationToken != null && parameterType.IsType(model.Types.CancellationToken))
                {
                    continue;
                }

                foreach (var element in ListedElements(model, argument.Value))
                {
                    builder.Add(Describe(model, element));
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>The elements of a task list: an array, a collection expression, a collection initializer, or a local holding one.</summary>
        public static IEnumerable<IOperation> ListedElements(DataAccessModel model, IOperation value)
        {
            var unwrapped = DataAccessModel.Unwrap(value);
            if (unwrapped is ILocalReferenceOperation local && !AsyncContext.IsTaskLike(local.Type, model.Types))
            {
                var initializer = DataAccessModel.GetLocalInitializer(local);
                if (initializer != null)
                {
                    unwrapped = DataAccessModel.Unwrap(initializer);
                }
            }

            switch (unwrapped)
            {
                case IArrayCreationOperation or ICollectionExpressionOperation:
                    return AsyncDataAccessCalls.Elements(unwrapped);

                case IObjectCreationOperation { Initializer: { } initializer }:
                    var elements = new List<IOperation>();
                    foreach (var add in initializer.Initializers)
                    {
                        if (add is IInvocationOperation { Arguments.Length: 1 } invocation)
                        {
                            elements.Add(invocation.Arguments[0].Value);
                        }
                    }

                    return elements;

                default:
                    return new[] { value };
            }
        }

        private static CombinedTask Describe(DataAccessModel model, IOperation element)
        {
            var unwrapped = DataAccessModel.Unwrap(element);
            var local = unwrapped is ILocalReferenceOperation reference ? reference.Local : null;
            var source = AsyncDataAccessCalls.FindSource(model, element);
            var operation = source is null ? null : model.Classify(source);
            if (operation is not { DoesIO: true, IsAsync: true, Context: not null })
            {
                operation = null;
            }

            return new CombinedTask(element, operation, local);
        }

        /// <summary>
        /// The lambda of <c>items.Select(x => ...)</c> when the value is such a call (optionally
        /// materialized with ToList/ToArray, or held in a local initialized with it).
        /// </summary>
        public static IAnonymousFunctionOperation? GetSelectLambda(DataAccessModel model, IOperation value)
        {
            var operation = DataAccessModel.Unwrap(value);
            for (var depth = 0; depth < MaxWalkDepth; depth++)
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        var initializer = DataAccessModel.GetLocalInitializer(local);
                        if (initializer is null)
                        {
                            return null;
                        }

                        operation = DataAccessModel.Unwrap(initializer);
                        continue;

                    case IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" } materialize
                        when materialize.TargetMethod.Unreduced().IsContainedIn(model.Types.Enumerable):
                        var receiver = DataAccessModel.GetReceiver(materialize);
                        if (receiver is null)
                        {
                            return null;
                        }

                        operation = DataAccessModel.Unwrap(receiver);
                        continue;

                    case IInvocationOperation { TargetMethod.Name: "Select" } select
                        when select.TargetMethod.Unreduced().IsContainedIn(model.Types.Enumerable):
                        foreach (var argument in select.Arguments)
                        {
                            if (DataAccessModel.Unwrap(argument.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                            {
                                return lambda;
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
        /// The database operations inside a function body that use a context from outside it (a
        /// field, an injected context, a parameter or local of the enclosing code): every run of the
        /// body shares that one instance. A context created or resolved inside the body is its own.
        /// </summary>
        public static ImmutableArray<DataAccessOperation> GetOuterContextOperations(DataAccessModel model, IAnonymousFunctionOperation function)
        {
            var builder = ImmutableArray.CreateBuilder<DataAccessOperation>();
            foreach (var descendant in OperationTrees.Descendants(function.Body))
            {
                if (descendant.Kind == OperationKind.Invocation
                    && model.Classify((IInvocationOperation)descendant) is { DoesIO: true, Context: { } context } operation
                    && IsFromOutside(context, function))
                {
                    builder.Add(operation);
                }
            }

            return builder.ToImmutable();
        }

        private static bool IsFromOutside(ContextInstance context, IAnonymousFunctionOperation function)
        {
            switch (context.Kind)
            {
                case ContextInstanceKind.Local:
                case ContextInstanceKind.Parameter:
                    for (var owner = context.Symbol?.ContainingSymbol; owner != null; owner = owner.ContainingSymbol)
                    {
                        if (SymbolEqualityComparer.Default.Equals(owner, function.Symbol))
                        {
                            return false;
                        }

                        if (owner is INamedTypeSymbol)
                        {
                            break;
                        }
                    }

                    return true;

                case ContextInstanceKind.Created:
                    return context.Origin is null || !function.Syntax.Span.Contains(context.Origin.Span);

                default:
                    return true;
            }
        }

        /// <summary>The outermost operation of the function that holds <paramref name="operation"/> (its body or member body).</summary>
        public static IOperation GetFunctionRoot(IOperation operation)
        {
            var current = operation;
            while (current.Parent != null && current.Parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
            {
                current = current.Parent;
            }

            return current;
        }

        /// <summary>
        /// Where the task in <paramref name="local"/> stops being pending as far as the code shows:
        /// the first reference to it after its declaration (an await, a WhenAll, a Result...).
        /// <c>int.MaxValue</c> when nothing references it.
        /// </summary>
        public static int FirstUseAfter(IOperation functionRoot, ILocalSymbol local, int position)
        {
            var first = int.MaxValue;
            foreach (var descendant in OperationTrees.DescendantsAndSelf(functionRoot))
            {
                if (descendant.Kind == OperationKind.LocalReference
                    && descendant is ILocalReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                    && reference.Syntax.SpanStart > position
                    && reference.Syntax.SpanStart < first)
                {
                    first = reference.Syntax.SpanStart;
                }
            }

            return first;
        }
    }
}
