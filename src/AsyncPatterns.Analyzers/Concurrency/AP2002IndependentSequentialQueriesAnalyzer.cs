using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Concurrency
{
    /// <summary>
    /// AP2002 (info): consecutive awaited read-only queries where the later ones use nothing the
    /// earlier ones produced, outside any transaction, whose results are not modified or saved
    /// afterwards. They could run at the same time on separate contexts (one context runs one
    /// operation at a time: https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP2002IndependentSequentialQueriesAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the reachable IDbContextFactory&lt;T&gt; of the queries' context type, when there is one.</summary>
        public const string FactoryProperty = "Factory";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP2002IndependentSequentialQueries);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var model = DataAccessModel.Create(start.Compilation, start.Options);
                if (model is null || model.Types.Task is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeBlock(c, model), OperationKind.Block);
            });
        }

        private static void AnalyzeBlock(OperationAnalysisContext context, DataAccessModel model)
        {
            var block = (IBlockOperation)context.Operation;
            if (block.Operations.Length < 2)
            {
                return;
            }

            var runs = SequentialQueries.FindRuns(model, block);
            if (runs.IsEmpty)
            {
                return;
            }

            // One walk of the function keeps what the runs are checked against: the SaveChanges calls
            // and the operations that can edit a result (IsMutated reads no other kind). A transaction
            // anywhere in the function ends the analysis.
            var root = ConcurrentOperations.GetFunctionRoot(block);
            var saves = new List<IInvocationOperation>();
            var edits = new List<IOperation>();
            foreach (var operation in OperationTrees.DescendantsAndSelf(root))
            {
                if (OpensTransaction(model, operation))
                {
                    return;
                }

                switch (operation.Kind)
                {
                    case OperationKind.Invocation:
                        var invocation = (IInvocationOperation)operation;
                        if (invocation.TargetMethod.Name is "SaveChanges" or "SaveChangesAsync")
                        {
                            saves.Add(invocation);
                        }

                        edits.Add(operation);
                        break;
                    case OperationKind.Loop or OperationKind.SimpleAssignment or OperationKind.CompoundAssignment or OperationKind.CoalesceAssignment
                        or OperationKind.DeconstructionAssignment or OperationKind.Increment or OperationKind.Decrement:
                        edits.Add(operation);
                        break;
                }
            }

            foreach (var run in runs)
            {
                var runEnd = run[run.Length - 1].Statement.Syntax.Span.End;
                if (SavesAfter(model, saves, run, runEnd) || IsMutated(edits, run, runEnd))
                {
                    continue;
                }

                var contextType = run[0].Context.ContextType;
                var factory = run.All(q => SymbolEqualityComparer.Default.Equals(q.Context.ContextType, contextType))
                    ? ContextFactories.FindReachable(model, run[0].Statement, context.ContainingSymbol, contextType)
                    : null;
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (factory != null)
                {
                    properties = properties.Add(FactoryProperty, factory.Name);
                }

                var remedy = factory != null
                    ? $"start them together on separate contexts from '{factory.Name}' and await Task.WhenAll"
                    : "start them together on separate contexts and await Task.WhenAll";
                for (var i = 1; i < run.Length; i++)
                {
                    if (run[i].Await.Syntax is AwaitExpressionSyntax awaitSyntax)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.AP2002IndependentSequentialQueries,
                            awaitSyntax.AwaitKeyword.GetLocation(),
                            properties,
                            run[i].Query.Invocation.TargetMethod.Name,
                            remedy));
                    }
                }
            }
        }

        /// <summary>Whether a SaveChanges at or after <paramref name="position"/> saves the context of one of the run's queries.</summary>
        private static bool SavesAfter(DataAccessModel model, List<IInvocationOperation> saves, ImmutableArray<AwaitedQuery> run, int position)
        {
            foreach (var invocation in saves)
            {
                if (invocation.Syntax.SpanStart >= position
                    && model.Classify(invocation) is { Kind: DataAccessKind.SaveChanges, Context: { } saved })
                {
                    foreach (var query in run)
                    {
                        if (query.Context.Equals(saved))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>A transaction in the function: BeginTransaction/UseTransaction on a context, or a TransactionScope.</summary>
        private static bool OpensTransaction(DataAccessModel model, IOperation operation) => operation.Kind switch
        {
            OperationKind.Invocation when ((IInvocationOperation)operation).TargetMethod.Name is var name
                => name is "UseTransaction" or "UseTransactionAsync" or "EnlistTransaction"
                   || (name is "BeginTransaction" or "BeginTransactionAsync"
                       && model.Classify((IInvocationOperation)operation)?.Kind == DataAccessKind.BeginTransaction),
            OperationKind.ObjectCreation => operation.Type.IsType(model.Types.TransactionScope),
            _ => false,
        };

        /// <summary>
        /// Whether code after the run assigns a member of the result or of one of its elements
        /// (<c>order.Total = 0</c>, <c>orders[0].Total++</c>, <c>foreach (var o in orders) o.Total = 0;</c>),
        /// or hands it to the change tracker: the entities are being edited, and belong to their context.
        /// </summary>
        /// <remarks>
        /// The results of the whole run at once: a loop variable aliases a result when its loop's
        /// collection is rooted at one, so the aliases of all results are the union of each one's.
        /// </remarks>
        private static bool IsMutated(List<IOperation> operations, ImmutableArray<AwaitedQuery> run, int after)
        {
            var aliases = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var query in run)
            {
                aliases.Add(query.Target);
            }

            foreach (var operation in operations)
            {
                if (operation.Kind == OperationKind.Loop
                    && operation is IForEachLoopOperation loop && RootSymbol(loop.Collection) is { } collection && aliases.Contains(collection))
                {
                    foreach (var local in loop.Locals)
                    {
                        aliases.Add(local);
                    }
                }
            }

            foreach (var operation in operations)
            {
                // By kind, before the position: most operations are neither assignments nor calls.
                IOperation? target;
                switch (operation.Kind)
                {
                    case OperationKind.SimpleAssignment or OperationKind.CompoundAssignment or OperationKind.CoalesceAssignment or OperationKind.DeconstructionAssignment:
                        target = ((IAssignmentOperation)operation).Target;
                        break;
                    case OperationKind.Increment or OperationKind.Decrement:
                        target = ((IIncrementOrDecrementOperation)operation).Target;
                        break;
                    case OperationKind.Invocation:
                        var invocation = (IInvocationOperation)operation;
                        if (invocation.TargetMethod.Name is "Update" or "UpdateRange" or "Attach" or "AttachRange" or "Remove" or "RemoveRange" or "Entry"
                            && operation.Syntax.SpanStart >= after
                            && invocation.Arguments.Any(a => RootSymbol(a.Value) is { } argument && aliases.Contains(argument)))
                        {
                            return true;
                        }

                        continue;
                    default:
                        continue;
                }

                if (target is IMemberReferenceOperation or IArrayElementReferenceOperation
                    && operation.Syntax.SpanStart >= after
                    && RootSymbol(target) is { } root && aliases.Contains(root))
                {
                    return true;
                }
            }

            return false;
        }

        private static ISymbol? RootSymbol(IOperation? operation)
        {
            for (var depth = 0; operation != null && depth < 16; depth++)
            {
                operation = DataAccessModel.Unwrap(operation);
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IFieldReferenceOperation { Instance: null } staticField:
                        return staticField.Field;
                    case IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field:
                        return field.Field;
                    case IMemberReferenceOperation member:
                        operation = member.Instance;
                        continue;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        continue;
                    case IInvocationOperation invocation:
                        operation = DataAccessModel.GetReceiver(invocation);
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
