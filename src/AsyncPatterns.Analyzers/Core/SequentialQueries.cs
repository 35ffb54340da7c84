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
        /// <summary>The awaited query of a statement, or <c>null</c> when the statement is anything else.</summary>
        public static AwaitedQuery? AsAwaitedQuery(DataAccessModel model, IOperation statement)
        {
            IOperation? value;
            ISymbol? target;
            switch (statement)
            {
                case IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
                    when group.Declarations[0].Declarators.Length == 1 && group.Declarations[0].Declarators[0].Initializer is { } initializer:
                    value = initializer.Value;
                    target = group.Declarations[0].Declarators[0].Symbol;
                    break;
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment }:
                    value = assignment.Value;
                    target = local.Local;
                    break;
                default:
                    return null;
            }

            if (value is null || DataAccessModel.Unwrap(value) is not IAwaitOperation awaitOperation
                || DataAccessModel.Unwrap(awaitOperation.Operation) is not IInvocationOperation invocation
                || model.Classify(invocation) is not { IsAsync: true, Context: not null } query
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
        /// writes (checked with data-flow analysis).
        /// </summary>
        public static ImmutableArray<ImmutableArray<AwaitedQuery>> FindRuns(DataAccessModel model, IBlockOperation block)
        {
            var runs = ImmutableArray.CreateBuilder<ImmutableArray<AwaitedQuery>>();
            var semanticModel = block.SemanticModel;
            if (semanticModel is null)
            {
                return runs.ToImmutable();
            }

            var current = new List<AwaitedQuery>();
            var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            void Close()
            {
                if (current.Count >= 2)
                {
                    runs.Add(current.ToImmutableArray());
                }

                current = new List<AwaitedQuery>();
                written.Clear();
            }

            foreach (var statement in block.Operations)
            {
                var query = AsAwaitedQuery(model, statement);
                if (query is null)
                {
                    Close();
                    continue;
                }

                var flow = semanticModel.AnalyzeDataFlow(statement.Syntax);
                if (flow is null || !flow.Succeeded)
                {
                    Close();
                    continue;
                }

                if (current.Count > 0 && (flow.ReadInside.Any(written.Contains) || flow.WrittenInside.Any(written.Contains) || written.Contains(query.Target)))
                {
                    Close();
                }

                current.Add(query);
                written.UnionWith(flow.WrittenInside);
                written.Add(query.Target);
            }

            Close();
            return runs.ToImmutable();
        }
    }
}
