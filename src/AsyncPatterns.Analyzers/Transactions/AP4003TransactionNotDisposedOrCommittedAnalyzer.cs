using System.Collections.Generic;
using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Transactions
{
    /// <summary>
    /// AP4003: a transaction from <c>BeginTransaction[Async]</c> must be disposed (it holds the
    /// connection and the database's locks until then) and committed on every path that ends
    /// normally: disposing an uncommitted transaction rolls it back, silently discarding the work
    /// (https://learn.microsoft.com/ef/core/saving/transactions#controlling-transactions).
    /// Silent when the transaction leaves the method (returned, stored, passed on): its new owner
    /// decides. Paths that end in an exception are not judged: rolling back is right there.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP4003TransactionNotDisposedOrCommittedAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>"true" when the transaction is never disposed (the using fix applies).</summary>
        public const string NotDisposedKey = "NotDisposed";

        /// <summary>"true" when some normal path skips Commit/Rollback (the commit fix applies).</summary>
        public const string NotCommittedKey = "NotCommitted";

        /// <summary>"true" when the method commits or rolls back the transaction somewhere (a commit at the end could run twice).</summary>
        public const string CompletedSomewhereKey = "CompletedSomewhere";

        /// <summary>"true" when the local is assigned again after its declaration (no using declaration then).</summary>
        public const string ReassignedKey = "Reassigned";

        /// <summary>The name of the CancellationToken in scope, or empty.</summary>
        public const string TokenKey = "Token";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP4003TransactionNotDisposedOrCommitted);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(compilationStart =>
            {
                var model = DataAccessModel.Create(compilationStart.Compilation, compilationStart.Options);
                if (model is null)
                {
                    return;
                }

                compilationStart.RegisterOperationAction(c => AnalyzeInvocation(c, model), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model)
        {
            // Nearly every invocation of a code base is something else: the name decides before
            // any symbol is looked at.
            var begin = (IInvocationOperation)context.Operation;
            if (begin.TargetMethod.Name is not ("BeginTransaction" or "BeginTransactionAsync")
                || model.Classify(begin)?.Kind != DataAccessKind.BeginTransaction)
            {
                return;
            }

            AnalyzeBegin(context, model, begin);
        }

        private static void AnalyzeBegin(OperationAnalysisContext context, DataAccessModel model, IInvocationOperation begin)
        {
            var start = ExplicitTransactions.SkipConfigureAwait(begin);
            if (begin.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal) && start.Parent is not IAwaitOperation)
            {
                // The task itself is stored or returned: whoever awaits it owns the transaction.
                return;
            }

            var root = DisposableOwnership.ValueFlowRoot(start);
            if (root.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
            {
                // `using (db.Database.BeginTransaction())`, `db.Database.BeginTransaction();` (the
                // context's current transaction, ended through Database.CommitTransaction), returned,
                // passed on, stored: not ours to judge.
                return;
            }

            var local = declarator.Symbol;
            var function = OperationTrees.EnclosingFunction(begin);
            var disposed = declarator.Parent is IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group }
                           && group.Parent is IUsingDeclarationOperation or IUsingOperation;
            var reassigned = false;
            var completions = new List<IOperation>();
            if (local.Type.Implements(model.Types.DbContextTransaction))
            {
                foreach (var reference in OperationTrees.ReferencesTo(local, begin))
                {
                    if (!ReferenceEquals(OperationTrees.EnclosingFunction(reference), function))
                    {
                        // Captured by a lambda or local function: we do not follow it there.
                        return;
                    }

                    if (reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
                    {
                        reassigned = true;
                        continue;
                    }

                    var value = DisposableOwnership.ValueFlowRoot(reference);
                    if (value.Parent is IArgumentOperation)
                    {
                        // Passed on: the callee may commit or dispose it.
                        return;
                    }

                    switch (DisposableOwnership.Classify(value, model.Types, model.HoldsDbContext))
                    {
                        case OwnershipUse.Escape:
                            return;
                        case OwnershipUse.UsingResource:
                            disposed = true;
                            break;
                        case OwnershipUse.Dispose when IsInFinally(value, function):
                            disposed = true;
                            break;
                    }

                    if (value.Parent is IInvocationOperation { TargetMethod.Name: "Commit" or "CommitAsync" or "Rollback" or "RollbackAsync" } completion
                        && ReferenceEquals(completion.Instance, value))
                    {
                        completions.Add(completion);
                    }
                }
            }

            var notCommitted = completions.Count == 0 || CommitSkippedOnSomePath(context, begin, completions);
            if (disposed && !notCommitted)
            {
                return;
            }

            var token = CancellationTokens.FindTokenInScope(begin, model.Types);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(NotDisposedKey, disposed ? "false" : "true")
                .Add(NotCommittedKey, notCommitted ? "true" : "false")
                .Add(CompletedSomewhereKey, completions.Count > 0 ? "true" : "false")
                .Add(ReassignedKey, reassigned ? "true" : "false")
                .Add(TokenKey, token?.Name ?? string.Empty);

            string problem, remedy;
            Location location;
            if (!disposed && notCommitted)
            {
                problem = "is neither disposed nor committed on every path";
                remedy = "declare it with a using declaration and commit it at the end of its block";
                location = begin.Syntax.GetLocation();
            }
            else if (!disposed)
            {
                problem = "is never disposed, so it keeps its connection and locks until the context is disposed";
                remedy = "declare it with a using declaration";
                location = begin.Syntax.GetLocation();
            }
            else
            {
                problem = "is not committed on every path that ends normally, so its work is silently rolled back";
                remedy = "commit it at the end of its block";
                location = declarator.Syntax is VariableDeclaratorSyntax syntax ? syntax.Identifier.GetLocation() : declarator.Syntax.GetLocation();
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP4003TransactionNotDisposedOrCommitted,
                location,
                properties,
                local.Name,
                problem,
                remedy));
        }

        private static bool CommitSkippedOnSomePath(OperationAnalysisContext context, IInvocationOperation begin, List<IOperation> completions)
        {
            foreach (var completion in completions)
            {
                if (ControlFlowPaths.FollowsInSameBlock(begin, completion))
                {
                    return false;
                }
            }

            var graph = ControlFlowPaths.GetGraph(context, begin);
            if (graph is null)
            {
                return false;
            }

            var sites = new List<SyntaxNode>();
            foreach (var completion in completions)
            {
                sites.Add(completion.Syntax);
            }

            var result = ControlFlowPaths.ReachesExitWithout(
                graph,
                begin.Syntax,
                operation => operation is IInvocationOperation && sites.Exists(site => site.SyntaxTree == operation.Syntax.SyntaxTree && site.Span == operation.Syntax.Span));
            return result == true;
        }

        private static bool IsInFinally(IOperation operation, IOperation? function)
        {
            var previous = operation;
            for (var current = operation.Parent; current != null && !ReferenceEquals(current, function); current = current.Parent)
            {
                if (current is ITryOperation tryOperation && ReferenceEquals(tryOperation.Finally, previous))
                {
                    return true;
                }

                previous = current;
            }

            return false;
        }
    }
}
