using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>What a transaction-related operation does.</summary>
    internal enum TransactionOperationKind
    {
        /// <summary><c>db.Database.BeginTransaction[Async](...)</c>.</summary>
        Begin,

        /// <summary><c>tx.Commit[Async]()</c>, <c>db.Database.CommitTransaction[Async]()</c>.</summary>
        Commit,

        /// <summary><c>tx.Rollback[Async]()</c>, <c>db.Database.RollbackTransaction[Async]()</c>.</summary>
        Rollback,

        /// <summary><c>db.Database.UseTransaction[Async](dbTransaction)</c> with a transaction (not <c>null</c>).</summary>
        Use,

        /// <summary><c>db.Database.UseTransaction[Async](null)</c>: the context stops using an external transaction.</summary>
        StopUsing,

        /// <summary><c>new TransactionScope(...)</c>: an ambient transaction every context enlists in.</summary>
        ScopeCreation,
    }

    /// <summary>One transaction operation found in code.</summary>
    internal sealed class TransactionOperation
    {
        public TransactionOperation(TransactionOperationKind kind, IOperation operation, ContextInstance? context, ILocalSymbol? transaction)
        {
            Kind = kind;
            Operation = operation;
            Context = context;
            Transaction = transaction;
        }

        public TransactionOperationKind Kind { get; }

        /// <summary>The invocation (or, for <see cref="TransactionOperationKind.ScopeCreation"/>, the object creation).</summary>
        public IOperation Operation { get; }

        /// <summary>The context the operation is made through; <c>null</c> for a TransactionScope, or when unknown (<c>tx.Commit()</c> on an async-begun transaction).</summary>
        public ContextInstance? Context { get; }

        /// <summary>
        /// The local holding the transaction: for <see cref="TransactionOperationKind.Begin"/> (and
        /// <see cref="TransactionOperationKind.ScopeCreation"/>) the local it initializes or is assigned to; for
        /// <see cref="TransactionOperationKind.Commit"/>/<see cref="TransactionOperationKind.Rollback"/> the local it is called on.
        /// <c>null</c> for the <c>db.Database.*Transaction()</c> forms and for values not kept in a local.
        /// </summary>
        public ILocalSymbol? Transaction { get; }

        /// <summary>Whether the operation ends the transaction it belongs to.</summary>
        public bool Completes => Kind is TransactionOperationKind.Commit or TransactionOperationKind.Rollback or TransactionOperationKind.StopUsing;
    }

    /// <summary>How an explicit transaction covers an operation.</summary>
    internal enum OpenTransactionKind
    {
        /// <summary>A <c>BeginTransaction[Async]</c> on the same context earlier in an enclosing block, or a <c>using</c> around the operation.</summary>
        BeginTransaction,

        /// <summary><c>Database.UseTransaction[Async](transaction)</c> on the same context earlier in an enclosing block.</summary>
        UseTransaction,

        /// <summary>A <c>TransactionScope</c> created earlier in an enclosing block, or a <c>using</c> around the operation.</summary>
        TransactionScope,
    }

    /// <summary>An explicit transaction open at some operation, and the operation that opened it.</summary>
    internal sealed class OpenTransaction
    {
        public OpenTransaction(OpenTransactionKind kind, TransactionOperation origin)
        {
            Kind = kind;
            Origin = origin;
        }

        public OpenTransactionKind Kind { get; }

        public TransactionOperation Origin { get; }
    }

    /// <summary>
    /// Which transaction operations a method performs, and whether an explicit transaction is open
    /// at a given operation. EF Core wraps each <c>SaveChanges</c> in its own transaction unless the
    /// context already has one (<c>BeginTransaction</c>, <c>UseTransaction</c>) or an ambient
    /// <c>TransactionScope</c> is active
    /// (https://learn.microsoft.com/ef/core/saving/transactions).
    /// The answer is structural and per function: a transaction begun by a caller, or in another
    /// method, is not seen.
    /// </summary>
    internal static class ExplicitTransactions
    {
        /// <summary>
        /// The transaction operation an operation performs, or <c>null</c>: BeginTransaction,
        /// Commit/Rollback (on a transaction or on <c>Database</c>), UseTransaction, <c>new TransactionScope</c>.
        /// </summary>
        public static TransactionOperation? Classify(IOperation operation, DataAccessModel model)
        {
            // By kind: the walks over preceding statements ask of every operation they visit.
            switch (operation.Kind)
            {
                case OperationKind.ObjectCreation when operation.Type.IsType(model.Types.TransactionScope):
                    return new TransactionOperation(TransactionOperationKind.ScopeCreation, operation, null, GetAssignedLocal(operation));

                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    var method = invocation.TargetMethod.Unreduced();
                    if (method.Name is "UseTransaction" or "UseTransactionAsync"
                        && (method.IsContainedIn(model.Types.RelationalDatabaseFacadeExtensions) || method.IsContainedIn(model.Types.DatabaseFacade)))
                    {
                        var context = model.GetContextInstance(DataAccessModel.GetReceiver(invocation));
                        var kind = IsNullArgument(invocation) ? TransactionOperationKind.StopUsing : TransactionOperationKind.Use;
                        return new TransactionOperation(kind, invocation, context, null);
                    }

                    var data = model.Classify(invocation);
                    switch (data?.Kind)
                    {
                        case DataAccessKind.BeginTransaction:
                            return new TransactionOperation(TransactionOperationKind.Begin, invocation, data.Context, GetAssignedLocal(invocation));
                        case DataAccessKind.CommitTransaction:
                            return new TransactionOperation(TransactionOperationKind.Commit, invocation, data.Context, GetTransactionReceiver(invocation));
                        case DataAccessKind.RollbackTransaction:
                            return new TransactionOperation(TransactionOperationKind.Rollback, invocation, data.Context, GetTransactionReceiver(invocation));
                    }

                    return null;

                default:
                    return null;
            }
        }

        /// <summary>Every transaction operation under <paramref name="root"/> (a method body, a lambda, a statement), in source order.</summary>
        public static ImmutableArray<TransactionOperation> GetTransactionOperations(IOperation? root, DataAccessModel model)
        {
            if (root is null)
            {
                return ImmutableArray<TransactionOperation>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<TransactionOperation>();
            foreach (var operation in OperationTrees.DescendantsAndSelf(root))
            {
                if (Classify(operation, model) is { } found)
                {
                    builder.Add(found);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// The explicit transaction open at <paramref name="operation"/> for <paramref name="context"/>,
        /// or <c>null</c>. Open means, within the function enclosing the operation:
        /// <list type="bullet">
        /// <item>a <c>using (var tx = db.Database.BeginTransaction())</c> or <c>using (new TransactionScope())</c> statement around it;</item>
        /// <item>an earlier statement of an enclosing block that begins a transaction on the same context
        /// (<c>using var tx = ...</c>, <c>var tx = ...</c>, <c>db.Database.BeginTransaction();</c>,
        /// <c>tx = ...</c>), calls <c>UseTransaction</c>, or creates a <c>TransactionScope</c>, with no
        /// commit, rollback or <c>UseTransaction(null)</c> of it in the statements between.</item>
        /// </list>
        /// A begin whose context is unknown counts as the same context, and so does any begin when
        /// <paramref name="context"/> is <c>null</c>: rules that stay silent inside a transaction then err on the silent side.
        /// </summary>
        public static OpenTransaction? FindOpenTransaction(IOperation operation, ContextInstance? context, DataAccessModel model)
        {
            var previous = operation;
            for (var current = operation.Parent; current != null; previous = current, current = current.Parent)
            {
                // By kind: a type test against an interface scans the interfaces of each ancestor's class.
                switch (current.Kind)
                {
                    case OperationKind.AnonymousFunction:
                    case OperationKind.LocalFunction:
                        return null;

                    case OperationKind.Using when current is IUsingOperation usingOperation && ReferenceEquals(usingOperation.Body, previous):
                        foreach (var candidate in OperationTrees.DescendantsAndSelf(usingOperation.Resources))
                        {
                            if (Classify(candidate, model) is { } opened && Opens(opened, context) is { } kind)
                            {
                                return new OpenTransaction(kind, opened);
                            }
                        }

                        break;

                    case OperationKind.Block:
                        if (FindOpenInPrecedingStatements(((IBlockOperation)current).Operations, previous, context, model) is { } open)
                        {
                            return open;
                        }

                        break;
                }
            }

            return null;
        }

        /// <summary>Whether an explicit transaction (or an ambient TransactionScope) covers the operation's context at the operation.</summary>
        public static bool IsInExplicitTransaction(IOperation operation, ContextInstance? context, DataAccessModel model)
            => FindOpenTransaction(operation, context, model) != null;

        /// <summary>
        /// The local a transaction (or scope) is kept in: <c>var tx = await db.Database.BeginTransactionAsync();</c>,
        /// <c>using var tx = ...</c>, <c>tx = ...</c>. Looks through <c>await</c>, <c>ConfigureAwait</c> and conversions.
        /// </summary>
        public static ILocalSymbol? GetAssignedLocal(IOperation value)
        {
            var current = SkipConfigureAwait(value);
            var root = DisposableOwnership.ValueFlowRoot(current);
            switch (root.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return declarator.Symbol;
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, root)
                                                                && DataAccessModel.Unwrap(assignment.Target) is ILocalReferenceOperation target:
                    return target.Local;
                default:
                    return null;
            }
        }

        /// <summary><c>x.ConfigureAwait(false)</c> around a call: the operation whose value is awaited.</summary>
        public static IOperation SkipConfigureAwait(IOperation operation)
        {
            var current = operation;
            while (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure
                   && ReferenceEquals(configure.Instance, current))
            {
                current = configure;
            }

            return current;
        }

        private static OpenTransaction? FindOpenInPrecedingStatements(
            ImmutableArray<IOperation> statements,
            IOperation containing,
            ContextInstance? context,
            DataAccessModel model)
        {
            OpenTransaction? open = null;
            foreach (var statement in statements)
            {
                if (ReferenceEquals(statement, containing))
                {
                    return open;
                }

                foreach (var descendant in OperationTrees.DescendantsAndSelf(statement))
                {
                    if (Classify(descendant, model) is not { } found)
                    {
                        continue;
                    }

                    if (open != null && Closes(found, open.Origin))
                    {
                        open = null;
                    }
                    else if (OpensAtStatementLevel(found, statement) && Opens(found, context) is { } kind)
                    {
                        open = new OpenTransaction(kind, found);
                    }
                }
            }

            // The operation is not among the statements (a using's resources, a switch section): nothing opened counts.
            return null;
        }

        /// <summary>
        /// A transaction opened by the statement itself (not inside a nested block, lambda or
        /// <c>using</c> statement of it, whose transaction ends with that construct).
        /// </summary>
        private static bool OpensAtStatementLevel(TransactionOperation found, IOperation statement)
        {
            for (var current = found.Operation.Parent; current != null && !ReferenceEquals(current, statement.Parent); current = current.Parent)
            {
                switch (current)
                {
                    case IBlockOperation:
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case IUsingOperation:
                    case IConditionalOperation { Type: null }:
                    case ILoopOperation:
                    case ITryOperation:
                    case ISwitchOperation:
                        return false;
                }
            }

            return true;
        }

        private static OpenTransactionKind? Opens(TransactionOperation found, ContextInstance? context)
        {
            switch (found.Kind)
            {
                case TransactionOperationKind.ScopeCreation:
                    return OpenTransactionKind.TransactionScope;
                case TransactionOperationKind.Begin when SameContext(found.Context, context):
                    return OpenTransactionKind.BeginTransaction;
                case TransactionOperationKind.Use when SameContext(found.Context, context):
                    return OpenTransactionKind.UseTransaction;
                default:
                    return null;
            }
        }

        private static bool Closes(TransactionOperation found, TransactionOperation origin)
        {
            // A TransactionScope stays ambient until disposed (Complete() only votes to commit).
            if (origin.Kind == TransactionOperationKind.ScopeCreation || !found.Completes)
            {
                return false;
            }

            if (found.Transaction != null && origin.Transaction != null)
            {
                return SymbolEqualityComparer.Default.Equals(found.Transaction, origin.Transaction);
            }

            // db.Database.CommitTransaction(), or a commit on a transaction we cannot tie to a local.
            return found.Context is null || origin.Context is null || found.Context.Equals(origin.Context);
        }

        private static bool SameContext(ContextInstance? begun, ContextInstance? wanted)
            => begun is null || wanted is null || begun.Equals(wanted);

        private static bool IsNullArgument(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 1 || (argument.Parameter?.Ordinal == 0 && invocation.Instance != null))
                {
                    var value = DataAccessModel.Unwrap(argument.Value);
                    return value.ConstantValue.HasValue && value.ConstantValue.Value is null;
                }
            }

            return false;
        }

        private static ILocalSymbol? GetTransactionReceiver(IInvocationOperation invocation)
            => invocation.Instance is { } instance && DataAccessModel.Unwrap(instance) is ILocalReferenceOperation local
                ? local.Local
                : null;
    }
}
