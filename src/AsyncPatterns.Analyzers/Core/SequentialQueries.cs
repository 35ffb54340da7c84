using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>A statement that awaits one read-only EF Core query and keeps its result: <c>var a = await db.Orders.ToListAsync(ct);</c> or <c>a = await ...;</c>.</summary>
    internal sealed class AwaitedQuery
    {
        public AwaitedQuery(IOperation statement, IAwaitOperation awaitOperation, DataAccessOperation query, ISymbol target)
        {
            Statement = statement;
            Await = awaitOperation;
            Query = query;
            Target = target;
        }

        public IOperation Statement { get; }

        public IAwaitOperation Await { get; }

        public DataAccessOperation Query { get; }

        /// <summary>The local (or field, property) receiving the result.</summary>
        public ISymbol Target { get; }

        public ContextInstance Context => Query.Context!;
    }

    /// <summary>
    /// Runs of consecutive awaited read-only queries in a block where each later query uses nothing
    /// the earlier ones produced: the candidates for running together on separate contexts (AP2002).
    /// </summary>
    internal static class SequentialQueries
    {
        /// <summary>
        /// <c>var x = await call(...);</c> or <c>x = await call(...);</c>: the shape of an awaited
        /// query statement, told from the operation tree alone, without a look at any symbol.
        /// </summary>
        private static (IAwaitOperation Await, IInvocationOperation Invocation, ISymbol Target)? AsAwaitedCall(IOperation statement)
        {
            // By kind: every statement of every block is asked, and a type test against an
            // interface scans the operation class's interfaces.
            IOperation? value;
            ISymbol? target;
            switch (statement.Kind)
            {
                case OperationKind.VariableDeclarationGroup
                    when statement is IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
                         && group.Declarations[0].Declarators.Length == 1 && group.Declarations[0].Declarators[0].Initializer is { } initializer:
                    value = initializer.Value;
                    target = group.Declarations[0].Declarators[0].Symbol;
                    break;
                case OperationKind.ExpressionStatement
                    when statement is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment }:
                    value = assignment.Value;
                    target = local.Local;
                    break;
                default:
                    return null;
            }

            if (value is null || DataAccessModel.Unwrap(value) is not IAwaitOperation awaitOperation
                || DataAccessModel.Unwrap(awaitOperation.Operation) is not IInvocationOperation invocation)
            {
                return null;
            }

            return (awaitOperation, invocation, target);
        }

        /// <summary>The awaited call as a read-only EF Core query, or <c>null</c> when it is anything else.</summary>
        private static AwaitedQuery? Classify(DataAccessModel model, IOperation statement, IAwaitOperation awaitOperation, IInvocationOperation invocation, ISymbol target)
        {
            if (model.Classify(invocation) is not { IsAsync: true, Context: not null } query
                || !(query.Kind == DataAccessKind.Find || (query.Kind == DataAccessKind.QueryExecution && invocation.TargetMethod.Name != "ForEachAsync" && invocation.TargetMethod.Name != "LoadAsync"))

                // Row locks are taken in a deliberate order inside their transaction (AP4001);
                // running them together on separate contexts would defeat both.
                || RowLocks.IsLockingQuery(invocation, model))
            {
                return null;
            }

            return new AwaitedQuery(statement, awaitOperation, query, target);
        }

        /// <summary>
        /// The runs of independent awaited queries among the block's statements: each run has at
        /// least two queries, and every query of a run reads nothing that an earlier one of the run
        /// writes.
        /// </summary>
        public static ImmutableArray<ImmutableArray<AwaitedQuery>> FindRuns(DataAccessModel model, IBlockOperation block)
        {
            // Most blocks hold no two awaited calls in a row: they cost a look at the shape of their
            // statements, and no symbol is classified.
            var statements = block.Operations;
            var anyPair = false;
            var previous = false;
            for (var i = 0; i < statements.Length && !anyPair; i++)
            {
                var awaited = AsAwaitedCall(statements[i]) != null;
                anyPair = previous && awaited;
                previous = awaited;
            }

            if (!anyPair)
            {
                return ImmutableArray<ImmutableArray<AwaitedQuery>>.Empty;
            }

            var calls = new (IAwaitOperation Await, IInvocationOperation Invocation, ISymbol Target)?[statements.Length];
            for (var i = 0; i < statements.Length; i++)
            {
                calls[i] = AsAwaitedCall(statements[i]);
            }

            var candidates = new AwaitedQuery?[statements.Length];
            anyPair = false;
            for (var i = 0; i < statements.Length; i++)
            {
                var hasNeighbour = (i > 0 && calls[i - 1] != null) || (i < statements.Length - 1 && calls[i + 1] != null);
                if (calls[i] is var (awaitOperation, invocation, target) && hasNeighbour)
                {
                    candidates[i] = Classify(model, statements[i], awaitOperation, invocation, target);
                    anyPair |= i > 0 && candidates[i] != null && candidates[i - 1] != null;
                }
            }

            if (!anyPair)
            {
                return ImmutableArray<ImmutableArray<AwaitedQuery>>.Empty;
            }

            var runs = ImmutableArray.CreateBuilder<ImmutableArray<AwaitedQuery>>();
            var current = new List<AwaitedQuery>();
            var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var reads = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var writes = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            void Close()
            {
                if (current.Count >= 2)
                {
                    runs.Add(current.ToImmutableArray());
                }

                current = new List<AwaitedQuery>();
                written.Clear();
            }

            for (var i = 0; i < statements.Length; i++)
            {
                var query = candidates[i];
                var isolated = query is null
                               || ((i == 0 || candidates[i - 1] is null) && (i == statements.Length - 1 || candidates[i + 1] is null));
                if (query is null || isolated)
                {
                    Close();
                    continue;
                }

                reads.Clear();
                writes.Clear();
                CollectVariableAccess(query.Statement, reads, writes);
                if (current.Count > 0 && (reads.Overlaps(written) || writes.Overlaps(written) || written.Contains(query.Target)))
                {
                    Close();
                }

                current.Add(query);
                written.UnionWith(writes);
                written.Add(query.Target);
            }

            Close();
            return runs.ToImmutable();
        }

        /// <summary>
        /// The locals and parameters a statement reads and writes, lambdas included: what
        /// <c>SemanticModel.AnalyzeDataFlow</c> reports as ReadInside/WrittenInside, from the
        /// operation tree at hand (data-flow analysis walks the whole method for each statement).
        /// A variable both read and written (<c>x++</c>, <c>ref x</c>) is in both sets.
        /// </summary>
        internal static void CollectVariableAccess(IOperation statement, HashSet<ISymbol> reads, HashSet<ISymbol> writes)
        {
            foreach (var operation in OperationTrees.DescendantsAndSelf(statement))
            {
                ISymbol? variable;
                switch (operation.Kind)
                {
                    case OperationKind.VariableDeclarator:
                        var declarator = (IVariableDeclaratorOperation)operation;
                        if (declarator.GetVariableInitializer() != null)
                        {
                            writes.Add(declarator.Symbol);
                        }

                        continue;
                    case OperationKind.LocalReference:
                        var local = (ILocalReferenceOperation)operation;
                        variable = local.Local;
                        if (local.IsDeclaration)
                        {
                            writes.Add(variable);
                            continue;
                        }

                        break;
                    case OperationKind.ParameterReference:
                        variable = ((IParameterReferenceOperation)operation).Parameter;
                        break;
                    default:
                        continue;
                }

                switch (AccessOf(operation))
                {
                    case Access.Write:
                        writes.Add(variable);
                        break;
                    case Access.ReadWrite:
                        reads.Add(variable);
                        writes.Add(variable);
                        break;
                    default:
                        reads.Add(variable);
                        break;
                }
            }
        }

        private enum Access
        {
            Read,
            Write,
            ReadWrite,
        }

        private static Access AccessOf(IOperation reference)
        {
            var child = reference;
            var parent = reference.Parent;

            // `(a, b) = ...` and `var (a, b) = ...`: the variables inside the tuple target are written.
            while (parent is ITupleOperation or IDeclarationExpressionOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            return parent switch
            {
                ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, child) => Access.Write,
                IDeconstructionAssignmentOperation deconstruction when ReferenceEquals(deconstruction.Target, child) => Access.Write,
                ICompoundAssignmentOperation compound when ReferenceEquals(compound.Target, child) => Access.ReadWrite,
                ICoalesceAssignmentOperation coalesce when ReferenceEquals(coalesce.Target, child) => Access.ReadWrite,
                IIncrementOrDecrementOperation => Access.ReadWrite,
                IArgumentOperation { Parameter.RefKind: RefKind.Out } => Access.Write,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref } => Access.ReadWrite,
                _ => Access.Read,
            };
        }
    }
}
