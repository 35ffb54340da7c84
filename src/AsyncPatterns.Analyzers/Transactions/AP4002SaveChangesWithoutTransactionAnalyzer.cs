using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Transactions
{
    /// <summary>
    /// AP4002: without an explicit transaction, EF Core wraps each <c>SaveChanges</c> in its own
    /// transaction and commits it, and <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>/<c>ExecuteSql</c>
    /// commit on their own too (https://learn.microsoft.com/ef/core/saving/transactions). A method
    /// that writes through one context several times (or once per loop iteration) is one unit of
    /// work in the reader's mind but several in the database's: when a later write fails, the
    /// earlier ones stay. Writes on different context instances are a different problem (no one
    /// transaction spans them) and are not reported here.
    /// </summary>
    [DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
    public sealed class AP4002SaveChangesWithoutTransactionAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The name of the CancellationToken in scope, or empty.</summary>
        public const string TokenKey = "Token";

        /// <summary>
        /// The context expression as written at the first write (<c>db</c>, <c>_db</c>, <c>this</c>), empty for an
        /// implicit <c>this</c>; absent when the context is reached some other way (the fix is then not offered).
        /// </summary>
        public const string ContextKey = "Context";

        /// <summary>The spans of the unit of work's write invocations, <c>start:length</c> separated by <c>;</c>, in source order.</summary>
        public const string WritesKey = "Writes";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP4002SaveChangesWithoutTransaction);

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

        /// <summary>
        /// Few members write at all, so a member's writes are gathered only from a call whose name
        /// can be a write, and only once: from the first such call of the member's operation tree.
        /// </summary>
        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!MayBeWrite(invocation))
            {
                return;
            }

            var block = OperationTrees.Root(invocation);

            var candidates = new List<(IInvocationOperation Call, IOperation? Function)>();
            foreach (var operation in OperationTrees.Descendants(block))
            {
                // The kind first: a type test scans the interfaces of the operation's class, on a
                // walk that visits every operation of the member.
                if (operation.Kind != OperationKind.Invocation || !MayBeWrite((IInvocationOperation)operation))
                {
                    continue;
                }

                var candidate = (IInvocationOperation)operation;

                if (candidates.Count == 0 && !ReferenceEquals(candidate, invocation))
                {
                    return;
                }

                candidates.Add((candidate, OperationTrees.EnclosingFunction(candidate)));
            }

            // Writes grouped by the function they run in (the member, each lambda, each local
            // function: a lambda is its own unit of work) and by context instance. Only functions
            // whose calls could make a report by their names are classified (most members hold
            // one SaveChanges, which alone cannot).
            Dictionary<(IOperation? Function, ContextInstance Context), List<DataAccessOperation>>? groups = null;
            foreach (var (candidate, function) in candidates)
            {
                if (!CouldReport(candidates, function)
                    || model.Classify(candidate) is not { Context: { } instance } write
                    || !IsWrite(write.Kind))
                {
                    continue;
                }

                groups ??= new Dictionary<(IOperation? Function, ContextInstance Context), List<DataAccessOperation>>();
                var key = (function, instance);
                if (!groups.TryGetValue(key, out var list))
                {
                    list = new List<DataAccessOperation>();
                    groups.Add(key, list);
                }

                list.Add(write);
            }

            if (groups is null)
            {
                return;
            }

            foreach (var pair in groups)
            {
                // Whether a write runs in an explicit transaction is the costly question, asked only
                // of units of work that could be reported with every write counted (fewer writes
                // never make a report).
                var writes = pair.Value;
                if (!CouldReport(writes, pair.Key.Function))
                {
                    continue;
                }

                writes.RemoveAll(w => ExplicitTransactions.IsInExplicitTransaction(w.Invocation, w.Context, model));
                AnalyzeUnitOfWork(context, model, pair.Key.Function, pair.Key.Context, writes);
            }
        }

        /// <summary>A SaveChanges, and another write or a loop that repeats it: what <see cref="AnalyzeUnitOfWork"/> needs to report.</summary>
        private static bool CouldReport(List<DataAccessOperation> writes, IOperation? function)
        {
            foreach (var write in writes)
            {
                if (write.Kind == DataAccessKind.SaveChanges && (writes.Count > 1 || RepeatsInLoop(write.Invocation, function)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <see cref="CouldReport(List{DataAccessOperation}, IOperation)"/> by names, for the calls of
        /// <paramref name="function"/> that may be writes: a unit of work of the function holds some of them.
        /// </summary>
        private static bool CouldReport(List<(IInvocationOperation Call, IOperation? Function)> candidates, IOperation? function)
        {
            var count = 0;
            IInvocationOperation? saveChanges = null;
            foreach (var (call, candidateFunction) in candidates)
            {
                if (!ReferenceEquals(candidateFunction, function))
                {
                    continue;
                }

                count++;
                if (call.TargetMethod.Name is "SaveChanges" or "SaveChangesAsync")
                {
                    if (count > 1 || RepeatsInLoop(call, function))
                    {
                        return true;
                    }

                    saveChanges ??= call;
                }
                else if (saveChanges != null)
                {
                    return true;
                }
            }

            return false;
        }

        private static void AnalyzeUnitOfWork(
            OperationAnalysisContext context,
            DataAccessModel model,
            IOperation? function,
            ContextInstance instance,
            List<DataAccessOperation> writes)
        {
            if (!writes.Any(w => w.Kind == DataAccessKind.SaveChanges))
            {
                return;
            }

            writes.Sort((a, b) => a.Invocation.Syntax.SpanStart.CompareTo(b.Invocation.Syntax.SpanStart));

            DataAccessOperation? reported = null;
            string? description = null;
            for (var i = 1; i < writes.Count && reported is null; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (!AreExclusive(writes[j].Invocation, writes[i].Invocation)
                        && !AreSeparateGuardedSteps(writes[j], writes[i], instance, model))
                    {
                        reported = writes[i];
                        var names = writes.Select(w => w.Invocation.TargetMethod.Name).Distinct().ToList();
                        description = names.Count == 1
                            ? $"{writes.Count} {names[0]} calls"
                            : $"{writes.Count} writes ({string.Join(", ", names)})";
                        break;
                    }
                }
            }

            if (reported is null)
            {
                foreach (var write in writes)
                {
                    if (write.Kind == DataAccessKind.SaveChanges && RepeatsInLoop(write.Invocation, function))
                    {
                        reported = write;
                        description = $"each loop iteration's {write.Invocation.TargetMethod.Name}";
                        break;
                    }
                }
            }

            if (reported is null || description is null)
            {
                return;
            }

            var token = CancellationTokens.FindTokenInScope(reported.Invocation, model.Types);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(TokenKey, token?.Name ?? string.Empty);
            if (ContextExpression(writes[0].Invocation, model) is { } contextExpression)
            {
                properties = properties.Add(ContextKey, contextExpression);
            }

            // The fix needs every write of the unit of work (their spans, in order).
            properties = properties.Add(WritesKey, string.Join(";", writes.Select(w => w.Invocation.Syntax.Span.Start + ":" + w.Invocation.Syntax.Span.Length)));
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP4002SaveChangesWithoutTransaction,
                NameLocation(reported.Invocation),
                properties,
                instance.DisplayName,
                description));
        }

        private static bool IsWrite(DataAccessKind kind)
            => kind is DataAccessKind.SaveChanges or DataAccessKind.BulkUpdate or DataAccessKind.RawSqlExecution;

        /// <summary>
        /// The names the model gives the kinds of <see cref="IsWrite"/> (SaveChanges, ExecuteUpdate,
        /// ExecuteDelete, ExecuteSql..., with or without "Async"): a test on the name alone, which
        /// runs for every call of the compilation before anything looks at symbols.
        /// </summary>
        private static bool MayBeWrite(IInvocationOperation invocation)
        {
            var name = invocation.TargetMethod.Name;
            return name.StartsWith("Execute", System.StringComparison.Ordinal)
                   || name == "SaveChanges"
                   || name == "SaveChangesAsync";
        }

        /// <summary>
        /// Two writes that never both run: the two arms of one <c>if</c>/<c>?:</c>, two sections of
        /// one <c>switch</c>, or the earlier one followed by a <c>return</c> or <c>throw</c> before
        /// the point where their paths join.
        /// </summary>
        private static bool AreExclusive(IOperation earlier, IOperation later)
        {
            var laterAncestors = new HashSet<IOperation>();
            for (var current = later; current != null; current = current.Parent)
            {
                laterAncestors.Add(current);
            }

            IOperation previous = earlier;
            for (var current = earlier.Parent; current != null; previous = current, current = current.Parent)
            {
                if (laterAncestors.Contains(current))
                {
                    switch (current)
                    {
                        case IConditionalOperation conditional:
                            return ReferenceEquals(previous, conditional.WhenTrue) && conditional.WhenFalse != null && laterAncestors.Contains(conditional.WhenFalse);
                        case ISwitchOperation:
                            return true;
                        case ISwitchExpressionOperation:
                            return true;
                        default:
                            return false;
                    }
                }

                if (current is IBlockOperation block && ExitsAfter(block, previous, loopExits: false))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Two writes that each finish their own guarded step: <c>if (!await db.X.AnyAsync()) { ...;
        /// await db.SaveChangesAsync(); }</c> twice, as seeding code does. Each step checks the
        /// database before it writes, so a failure part-way is repaired by the next run and the
        /// steps need no common transaction (found on eShopOnWeb's catalog seed, docs/real-world.md).
        /// </summary>
        private static bool AreSeparateGuardedSteps(DataAccessOperation earlier, DataAccessOperation later, ContextInstance instance, DataAccessModel model)
        {
            var first = GuardOf(earlier.Invocation, instance, model);
            var second = GuardOf(later.Invocation, instance, model);
            return first != null && second != null && !ReferenceEquals(first, second);
        }

        /// <summary>The <c>if</c> whose block the write ends, when its condition queries the same context.</summary>
        private static IConditionalOperation? GuardOf(IOperation write, ContextInstance instance, DataAccessModel model)
        {
            IOperation statement = write;
            while (statement.Parent is { } parent && parent is not IBlockOperation)
            {
                statement = parent;
            }

            if (statement.Parent is not IBlockOperation block
                || block.Operations.Length == 0
                || !ReferenceEquals(block.Operations[block.Operations.Length - 1], statement)
                || block.Parent is not IConditionalOperation { WhenFalse: null } guard
                || !ReferenceEquals(guard.WhenTrue, block))
            {
                return null;
            }

            foreach (var operation in OperationTrees.DescendantsAndSelf(guard.Condition))
            {
                if (operation.Kind == OperationKind.Invocation
                    && model.Classify((IInvocationOperation)operation) is { Kind: DataAccessKind.QueryExecution } query
                    && instance.Equals(query.Context))
                {
                    return guard;
                }
            }

            return null;
        }

        /// <summary>A write inside a loop of its own function that is not followed by a <c>break</c>, <c>return</c> or <c>throw</c> in the loop body.</summary>
        private static bool RepeatsInLoop(IOperation write, IOperation? function)
        {
            IOperation previous = write;
            for (var current = write.Parent; current != null && !ReferenceEquals(current, function); previous = current, current = current.Parent)
            {
                switch (current)
                {
                    case ILoopOperation:
                        return true;
                    case IBlockOperation block when ExitsAfter(block, previous, loopExits: true):
                        return false;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        private static bool ExitsAfter(IBlockOperation block, IOperation statement, bool loopExits)
        {
            var after = false;
            foreach (var sibling in block.Operations)
            {
                if (ReferenceEquals(sibling, statement))
                {
                    after = true;
                    continue;
                }

                if (!after)
                {
                    continue;
                }

                switch (sibling)
                {
                    case IReturnOperation:
                    case IExpressionStatementOperation { Operation: IThrowOperation }:
                    case IThrowOperation:
                        return true;
                    case IBranchOperation { BranchKind: BranchKind.Break } when loopExits:
                        return true;
                }
            }

            return false;
        }

        /// <summary>The context expression the first write goes through, as written, when it is a simple name or <c>this</c>.</summary>
        private static string? ContextExpression(IInvocationOperation write, DataAccessModel model)
        {
            IOperation? current = write;
            for (var depth = 0; current != null && depth < 32; depth++)
            {
                current = DataAccessModel.Unwrap(current);
                if (model.IsDbContextType(current.Type))
                {
                    if (current is IInstanceReferenceOperation { IsImplicit: true })
                    {
                        return string.Empty;
                    }

                    return current.Syntax is IdentifierNameSyntax or ThisExpressionSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                        ? current.Syntax.ToString()
                        : null;
                }

                current = DataAccessModel.GetReceiver(current);
            }

            return null;
        }

        private static Location NameLocation(IInvocationOperation invocation)
        {
            var syntax = invocation.Syntax as InvocationExpressionSyntax;
            return syntax?.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.GetLocation(),
                SimpleNameSyntax name => name.GetLocation(),
                MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
                _ => invocation.Syntax.GetLocation(),
            };
        }
    }
}
