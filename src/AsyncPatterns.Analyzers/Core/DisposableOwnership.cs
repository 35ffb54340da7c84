using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>What a use of a disposable value does with its ownership.</summary>
    internal enum OwnershipUse
    {
        /// <summary>An ordinary use (a member access, a query, an argument to a helper that only borrows it).</summary>
        Use,

        /// <summary>Ownership leaves the code at hand: returned, yielded, stored, aliased, handed to an owner.</summary>
        Escape,

        /// <summary>Disposed here (<c>Dispose()</c>, <c>DisposeAsync()</c>, <c>?.Dispose()</c>).</summary>
        Dispose,

        /// <summary>Disposed when the enclosing <c>using</c> ends (<c>using (db)</c>, <c>using var x = db;</c>).</summary>
        UsingResource,
    }

    /// <summary>
    /// Ownership transfer for disposable values (contexts, transactions): who is responsible for
    /// disposing what an expression produces. Conservative: when the code hands the value to
    /// something that may own it, the value "escapes" and rules stay silent.
    /// </summary>
    internal static class DisposableOwnership
    {
        /// <summary>
        /// Walks up from an expression through the shapes that pass its value on unchanged
        /// (conversions, parentheses, <c>?:</c>, <c>??</c>, switch-expression arms, <c>await</c> of
        /// a task producing it) and returns the operation whose parent consumes the value.
        /// </summary>
        public static IOperation ValueFlowRoot(IOperation operation)
        {
            var current = operation;
            for (var depth = 0; depth < 32 && current.Parent is { } parent; depth++)
            {
                switch (parent)
                {
                    case IConversionOperation:
                    case IParenthesizedOperation:
                    case IAwaitOperation:
                    case ISwitchExpressionArmOperation:
                    case ISwitchExpressionOperation:
                    case IConditionalOperation { IsRef: false } conditional when conditional.Type != null && !ReferenceEquals(conditional.Condition, current):
                    case ICoalesceOperation:
                        current = parent;
                        continue;
                    default:
                        return current;
                }
            }

            return current;
        }

        /// <summary>
        /// What the consumer of <paramref name="value"/> (an operation returned by
        /// <see cref="ValueFlowRoot"/>) does with it. Does not handle locals' declarations and
        /// assignments to locals, which the caller follows itself.
        /// </summary>
        public static OwnershipUse Classify(IOperation value, KnownTypes types, Func<ITypeSymbol?, bool> holdsValue)
        {
            var parent = value.Parent;
            switch (parent)
            {
                case null:
                    return OwnershipUse.Use;

                // return x; yield return x; => x; (expression-bodied members and lambdas too)
                case IReturnOperation:
                    return OwnershipUse.Escape;

                case IUsingOperation:
                    return OwnershipUse.UsingResource;

                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, value):
                    return Unwrap(assignment.Target) is IDiscardOperation ? OwnershipUse.Use : OwnershipUse.Escape;

                case ICompoundAssignmentOperation or ICoalesceAssignmentOperation:
                    return OwnershipUse.Escape;

                case IFieldInitializerOperation or IPropertyInitializerOperation:
                    return OwnershipUse.Escape;

                case IArgumentOperation argument:
                    return ClassifyArgument(argument, types, holdsValue);

                case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, value):
                    if (IsDisposeCall(invocation.TargetMethod))
                    {
                        return OwnershipUse.Dispose;
                    }

                    // A fluent call that hands back the instance (or a wrapper of it) passes ownership on.
                    return holdsValue(invocation.Type) ? OwnershipUse.Escape : OwnershipUse.Use;

                case IConditionalAccessOperation conditionalAccess when ReferenceEquals(conditionalAccess.Operation, value):
                    return Unwrap(conditionalAccess.WhenNotNull) is IInvocationOperation { Instance: IConditionalAccessInstanceOperation } call
                           && IsDisposeCall(call.TargetMethod)
                        ? OwnershipUse.Dispose
                        : OwnershipUse.Use;

                // Kept in a tuple, an array, a collection, an anonymous object or a member initializer: stored somewhere.
                case ITupleOperation:
                case IArrayInitializerOperation:
                case IAnonymousObjectCreationOperation:
                case IDeconstructionAssignmentOperation:
                    return OwnershipUse.Escape;

                // `ref db`, `ref readonly` aliases and other shapes we cannot follow.
                case IVariableInitializerOperation:
                    return OwnershipUse.Escape;

                default:
                    return OwnershipUse.Use;
            }
        }

        /// <summary>
        /// The end of the member-access and query-operator chain that <paramref name="operation"/>
        /// starts: from <c>db</c> in <c>db.Orders.Where(o => o.Open)</c>, the <c>Where</c> call. Also
        /// climbs from a lambda to the call that takes it.
        /// </summary>
        public static IOperation ReceiverChainTop(IOperation operation)
        {
            var current = operation;
            for (var depth = 0; depth < 32 && current.Parent is { } parent; depth++)
            {
                switch (parent)
                {
                    case IConversionOperation:
                    case IParenthesizedOperation:
                    case IDelegateCreationOperation:
                    case IMemberReferenceOperation member when ReferenceEquals(member.Instance, current):
                    case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, current):
                        current = parent;
                        continue;
                    case IArgumentOperation { Parent: IInvocationOperation call } argument
                        when (call.TargetMethod.IsExtensionMethod || call.TargetMethod.ReducedFrom != null)
                             && (argument.Parameter?.Ordinal == 0 || current is IAnonymousFunctionOperation or IDelegateCreationOperation):
                        current = call;
                        continue;
                    default:
                        return current;
                }
            }

            return current;
        }

        /// <summary>
        /// Whether the value is a sequence that has not run yet: an EF query, or a LINQ operator's
        /// interface-typed result (<c>IEnumerable&lt;T&gt;</c>, <c>IQueryable&lt;T&gt;</c>, <c>IAsyncEnumerable&lt;T&gt;</c>).
        /// Whoever receives it still needs what it captured.
        /// </summary>
        public static bool IsDeferredSequence(IOperation value, DataAccessModel model)
        {
            if (model.IsEfQuery(value))
            {
                return true;
            }

            var type = value.Type;
            if (type is null || type.TypeKind != TypeKind.Interface)
            {
                return false;
            }

            if (type.SpecialType == SpecialType.System_Collections_IEnumerable
                || type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
                || type.Name == "IAsyncEnumerable")
            {
                return true;
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (candidate.SpecialType == SpecialType.System_Collections_IEnumerable || candidate.Name == "IAsyncEnumerable")
                {
                    return true;
                }
            }

            return false;
        }

        public static bool IsDisposeCall(IMethodSymbol method)
            => method.Parameters.Length == 0 && (method.Name == "Dispose" || method.Name == "DisposeAsync");

        public static bool IsDisposable(ITypeSymbol? type, KnownTypes types)
            => type != null
               && type.SpecialType != SpecialType.System_Object
               && (type.Implements(types.Disposable) || type.Implements(types.AsyncDisposable));

        /// <summary>A disposable result that may wrap what it was given; tasks are disposable too, but never own their inputs.</summary>
        private static bool IsWrapper(ITypeSymbol? type, KnownTypes types)
            => IsDisposable(type, types)
               && !type.InheritsFromOrEquals(types.Task)
               && !type.IsType(types.ValueTask)
               && !type.IsType(types.ValueTaskOfT);

        private static OwnershipUse ClassifyArgument(IArgumentOperation argument, KnownTypes types, Func<ITypeSymbol?, bool> holdsValue)
        {
            if (argument.Parameter is { RefKind: not RefKind.None and not RefKind.In })
            {
                return OwnershipUse.Escape;
            }

            switch (argument.Parent)
            {
                // new UnitOfWork(db), : base(db): the constructed object owns it.
                case IObjectCreationOperation:
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.Constructor }:
                    return OwnershipUse.Escape;

                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (method.MethodKind == MethodKind.DelegateInvoke
                        || method.Name.IndexOf("Dispose", StringComparison.Ordinal) >= 0
                        || IsOwnerMethodName(method.Name)
                        || holdsValue(invocation.Type)
                        || IsWrapper(invocation.Type, types))
                    {
                        return OwnershipUse.Escape;
                    }

                    return OwnershipUse.Use;

                default:
                    return OwnershipUse.Escape;
            }
        }

        // list.Add(db), scope.Register(db), stack.Push(db), response.RegisterForDispose(db)...
        private static bool IsOwnerMethodName(string name)
        {
            foreach (var prefix in OwnerPrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly ImmutableArray<string> OwnerPrefixes = ImmutableArray.Create(
            "Add", "TryAdd", "Register", "Push", "Enqueue", "Insert", "Set", "Track", "Attach", "Store",
            "Keep", "Own", "Adopt", "Append", "Prepend", "Put", "Post", "Send", "Write");

        private static IOperation Unwrap(IOperation operation) => DataAccessModel.Unwrap(operation);
    }
}
