using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Transactions
{
    /// <summary>
    /// AP4001: row locks on one table taken in an order that another transaction can reverse. Two
    /// transactions that lock rows A then B and B then A wait for each other until the database
    /// aborts one (PostgreSQL 40P01, SQL Server 1205, MySQL 1213); taking every lock in ascending key
    /// order makes that cycle impossible (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS).
    /// Three shapes: two acquisitions whose keys are not provably ordered, a loop that locks one row
    /// per element of an unordered collection, and one statement that locks several rows without ORDER BY.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP4001UnorderedRowLocksAnalyzer : DiagnosticAnalyzer
    {
        public const string ShapeProperty = "Shape";
        public const string ShapePair = "Pair";
        public const string ShapeLoop = "Loop";
        public const string ShapeMultiRow = "MultiRow";

        /// <summary>Pair: how the fix compares the keys (<see cref="CompareMinMax"/>, <see cref="CompareTo"/>); absent when no fix is safe.</summary>
        public const string CompareProperty = "Compare";
        public const string CompareMinMax = "MinMax";
        public const string CompareTo = "CompareTo";

        /// <summary>Loop: the LINQ operator that sorts the collection (<c>Order</c> on .NET 7+, else <c>OrderBy</c>).</summary>
        public const string OrderOperatorProperty = "OrderOperator";

        /// <summary>
        /// The spans the fix edits, as <c>start:length</c> separated by <c>;</c> (in the diagnostic's document):
        /// pair — the first lock call, the first key, the second key; loop — the collection; multi-row — the
        /// literal holding the locking clause. Properties rather than additional locations: they are
        /// the fix's business, not places a user should be shown.
        /// </summary>
        public const string SpansProperty = "Spans";

        /// <summary>Multi-row: the key column to order by; absent when the SQL cannot be edited in place.</summary>
        public const string OrderByColumnProperty = "OrderByColumn";

        private static readonly ImmutableHashSet<string> OrderingOperators = ImmutableHashSet.Create(
            "Order", "OrderBy", "OrderDescending", "OrderByDescending", "ThenBy", "ThenByDescending");

        // Operators that keep the order of their source.
        private static readonly ImmutableHashSet<string> OrderPreservingOperators = ImmutableHashSet.Create(
            "ToList", "ToArray", "AsEnumerable", "Where", "Distinct", "Take", "Skip", "ToImmutableArray", "ToImmutableList", "AsReadOnly");

        private static readonly ImmutableHashSet<string> SortedCollections = ImmutableHashSet.Create(
            "SortedSet", "SortedDictionary", "SortedList", "ImmutableSortedSet", "ImmutableSortedDictionary");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP4001UnorderedRowLocks);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var model = DataAccessModel.Create(start.Compilation, start.Options);
                if (model is null)
                {
                    return;
                }

                // The lock-method option is read once per tree, not once per method.
                var lockMethods = TreeOptions.Create(start.Options).LockMethods;

                // Only the loop fix needs it, and listing Enumerable's members is not free.
                var enumerable = model.Types.Enumerable;
                var orderOperator = new Lazy<string>(() => HasEnumerableOrder(enumerable) ? "Order" : "OrderBy");

                // Without lock methods in any tree (the usual case) a call is judged by its name alone.
                var anyLockMethods = false;
                foreach (var tree in start.Compilation.SyntaxTrees)
                {
                    if (!lockMethods.Get(tree).IsEmpty)
                    {
                        anyLockMethods = true;
                        break;
                    }
                }

                start.RegisterOperationAction(
                    c =>
                    {
                        if (anyLockMethods || HasLockName(((IInvocationOperation)c.Operation).TargetMethod.Name))
                        {
                            AnalyzeInvocation(c, model, lockMethods, orderOperator);
                        }
                    },
                    OperationKind.Invocation);
            });
        }

        private static bool HasEnumerableOrder(INamedTypeSymbol? enumerable)
            => enumerable?.GetMembers("Order").Any() == true;

        /// <summary>
        /// Few members lock rows, so a member's acquisitions are gathered only from a call that can
        /// be one by its name (<see cref="MayAcquire"/>), and only once: from the first such call of
        /// the member's operation tree.
        /// </summary>
        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model, TreeOption<LockMethodSet> lockMethods, Lazy<string> orderOperator)
        {
            var invocation = (IInvocationOperation)context.Operation;

            // The option is the member's tree's (the tree of its first declaration).
            var methods = lockMethods.Get(FirstSourceTree(context.ContainingSymbol) ?? invocation.Syntax.SyntaxTree);
            if (!MayAcquire(invocation, methods))
            {
                return;
            }

            AnalyzeBlock(context, model, methods, OperationTrees.Root(invocation), orderOperator, invocation);
        }

        private static SyntaxTree? FirstSourceTree(ISymbol symbol)
        {
            var locations = symbol.Locations;
            return locations.IsDefaultOrEmpty ? null : locations[0].SourceTree;
        }

        /// <summary>
        /// The names <see cref="RowLocks.Recognize"/> accepts besides the user's lock methods:
        /// FromSql..., SqlQuery..., ExecuteSql..., ExecuteUpdate..., ExecuteDelete....
        /// </summary>
        private static bool HasLockName(string name)
            // Every call of the compilation asks: the first letter turns most names away.
            => name.Length > 6 && name[0] switch
            {
                'E' => name.StartsWith("Execute", StringComparison.Ordinal),
                'F' => name.StartsWith("FromSql", StringComparison.Ordinal),
                'S' => name.StartsWith("SqlQuery", StringComparison.Ordinal),
                _ => false,
            };

        /// <summary>Whether <see cref="RowLocks.Recognize"/> may take the call for an acquisition, decided by names only.</summary>
        private static bool MayAcquire(IInvocationOperation invocation, LockMethodSet methods)
            => HasLockName(invocation.TargetMethod.Name) || IsUserLockMethod(invocation, methods);

        private static bool IsUserLockMethod(IInvocationOperation invocation, LockMethodSet methods)
        {
            var method = invocation.TargetMethod;
            return !methods.IsEmpty && methods.Contains(method.ReducedFrom ?? method);
        }

        /// <summary>Analyzes the block when <paramref name="trigger"/> is its first call that may take a lock (the other calls leave it alone).</summary>
        private static void AnalyzeBlock(OperationAnalysisContext context, DataAccessModel model, LockMethodSet methods, IOperation block, Lazy<string> orderOperator, IInvocationOperation trigger)
        {
            // One walk gathers the calls that may lock and the operations that may open a
            // transaction (which bulk updates ask about), so no function is walked again.
            var calls = new List<IInvocationOperation>();
            List<IOperation>? openerCandidates = null;
            foreach (var operation in OperationTrees.Descendants(block))
            {
                // By kind first: this visits every operation of the member, and a kind is one
                // virtual call where a type test scans the interfaces of the operation's class.
                var kind = operation.Kind;
                if (kind is not (OperationKind.Invocation or OperationKind.ObjectCreation))
                {
                    continue;
                }

                if (MayOpenTransaction(operation, kind))
                {
                    (openerCandidates ??= new List<IOperation>()).Add(operation);
                }

                if (kind != OperationKind.Invocation)
                {
                    continue;
                }

                var invocation = (IInvocationOperation)operation;
                if (!MayAcquire(invocation, methods))
                {
                    continue;
                }

                if (calls.Count == 0 && !ReferenceEquals(invocation, trigger))
                {
                    return;
                }

                calls.Add(invocation);
            }

            var acquisitions = new List<(RowLockAcquisition Lock, IOperation Function)>();
            var openers = new List<(IOperation Function, List<TransactionOpener> Openers)>();
            foreach (var invocation in calls)
            {
                // A bulk update locks rows past its statement only inside an explicit transaction:
                // with no opener anywhere in the member, Recognize would walk its receiver for nothing.
                if (openerCandidates is null && RowLocks.IsBulkUpdateName(invocation.TargetMethod.Name) && !IsUserLockMethod(invocation, methods))
                {
                    continue;
                }

                var function = OperationTrees.EnclosingFunction(invocation) ?? block;
                var acquisition = RowLocks.Recognize(invocation, model, methods, i => IsInExplicitTransaction(i, OpenersOf(function, model, openers, openerCandidates), model));
                if (acquisition != null)
                {
                    acquisitions.Add((acquisition, function));
                }
            }

            // By function, in the order the functions first lock; the few functions are told apart
            // by reference (hashing operations would give each its identity hash code first).
            var done = new List<IOperation>();
            foreach (var (_, function) in acquisitions)
            {
                if (done.Contains(function))
                {
                    continue;
                }

                done.Add(function);
                var locks = new List<RowLockAcquisition>();
                foreach (var (acquisition, other) in acquisitions)
                {
                    if (ReferenceEquals(other, function))
                    {
                        locks.Add(acquisition);
                    }
                }

                AnalyzeFunction(context, function, locks.Count > 1 ? locks.OrderBy(l => l.Invocation.Syntax.SpanStart).ToList() : locks, orderOperator);
            }
        }

        private static void AnalyzeFunction(OperationAnalysisContext context, IOperation function, List<RowLockAcquisition> locks, Lazy<string> orderOperator)
        {
            var candidates = new List<RowLockAcquisition>();
            foreach (var acquisition in locks)
            {
                if (acquisition.IsMultiRow)
                {
                    if (!acquisition.HasOrderBy && acquisition.Source == RowLockSource.Sql)
                    {
                        ReportMultiRow(context, acquisition);
                    }

                    continue;
                }

                if (acquisition.Key is null)
                {
                    continue;
                }

                if (EnclosingLoopOver(acquisition, function) is { } loop)
                {
                    // Half-typed `foreach (var id in )` has no collection to judge.
                    if (DataAccessModel.Unwrap(loop.Collection) is not IInvalidOperation
                        && !loop.Collection.Syntax.IsMissing
                        && !IsOrderedSequence(loop.Collection, function, loop.Syntax.SpanStart, 0))
                    {
                        ReportLoop(context, acquisition, loop, orderOperator);
                    }

                    continue;
                }

                candidates.Add(acquisition);
            }

            // Keys whose rows an earlier min/max pair already locked: taking them again waits for nothing.
            Dictionary<string, HashSet<ISymbol>>? held = null;
            for (var j = 0; j < candidates.Count; j++)
            {
                var second = candidates[j];
                var secondKey = DataAccessModel.Unwrap(second.Key!);
                HashSet<ISymbol>? heldSymbols = null;
                if (held != null && held.TryGetValue(second.TableKey, out heldSymbols) && SymbolOf(secondKey) is { } reacquired && heldSymbols.Contains(reacquired))
                {
                    continue;
                }

                for (var i = 0; i < j; i++)
                {
                    var first = candidates[i];
                    if (first.TableKey != second.TableKey || !IsUnorderedPair(first, second, function))
                    {
                        continue;
                    }

                    ReportPair(context, first, second, function);
                    break;
                }

                if (CoveredSymbols(secondKey) is { Length: > 0 } covered)
                {
                    held ??= new Dictionary<string, HashSet<ISymbol>>();
                    if (!held.TryGetValue(second.TableKey, out heldSymbols))
                    {
                        held[second.TableKey] = heldSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                    }

                    heldSymbols.UnionWith(covered);
                }
            }
        }

        private static bool IsUnorderedPair(RowLockAcquisition first, RowLockAcquisition second, IOperation function)
        {
            var a = DataAccessModel.Unwrap(first.Key!);
            var b = DataAccessModel.Unwrap(second.Key!);

            // The same row twice (or the same constant) is one lock.
            if (SymbolOf(a) is { } sa && SymbolOf(b) is { } sb && SymbolEqualityComparer.Default.Equals(sa, sb))
            {
                return false;
            }

            if (a.ConstantValue.HasValue && b.ConstantValue.HasValue)
            {
                return CompareConstants(a.ConstantValue.Value, b.ConstantValue.Value) > 0;
            }

            if (AreExclusiveBranches(first.Invocation, second.Invocation, function) || IsGuardedByComparison(first.Invocation, second.Invocation, a, b, function))
            {
                return false;
            }

            return !(IsOrderedKey(a, function, 0) && IsOrderedKey(b, function, 0));
        }

        private static int CompareConstants(object? x, object? y)
        {
            try
            {
                return x is IComparable comparable && y != null && x.GetType() == y.GetType() ? comparable.CompareTo(y) : 0;
            }
            catch (ArgumentException)
            {
                return 0;
            }
        }

        /// <summary>
        /// Whether a key comes from a sort: <c>Math.Min/Max</c>, <c>a &lt; b ? a : b</c>, a deconstruction
        /// of <c>a &lt; b ? (a, b) : (b, a)</c>, an element of a sorted sequence, the variable of a loop over
        /// one, or a variable a compare-and-swap (<c>if (a &gt; b) (a, b) = (b, a);</c>) put in order.
        /// </summary>
        private static bool IsOrderedKey(IOperation key, IOperation function, int depth)
        {
            if (depth > 8)
            {
                return false;
            }

            key = DataAccessModel.Unwrap(key);
            switch (key)
            {
                case IInvocationOperation invocation when IsMinMax(invocation):
                    return true;

                case IConditionalOperation conditional when IsComparison(conditional.Condition):
                    return true;

                case IInvocationOperation invocation when invocation.TargetMethod.Name is "First" or "Last" or "ElementAt" or "FirstOrDefault" or "LastOrDefault" or "Min" or "Max":
                    return invocation.TargetMethod.Name is "Min" or "Max"
                           || (DataAccessModel.GetReceiver(invocation) is { } source && IsOrderedSequence(source, function, key.Syntax.SpanStart, depth + 1));

                case IArrayElementReferenceOperation element:
                    return IsOrderedSequence(element.ArrayReference, function, key.Syntax.SpanStart, depth + 1);

                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance }:
                    return IsOrderedSequence(instance, function, key.Syntax.SpanStart, depth + 1);

                case IPropertyReferenceOperation { Instance: { } instance } property when property.Property.Name is "Min" or "Max" or "Item1" or "Item2":
                    return property.Property.Name is "Min" or "Max" || IsOrderedKey(instance, function, depth + 1);

                case ILocalReferenceOperation local:
                    return IsOrderedLocal(local, function, depth);

                case IParameterReferenceOperation parameter:
                    return IsCompareAndSwapped(parameter.Parameter, function, key.Syntax.SpanStart);

                default:
                    return false;
            }
        }

        private static bool IsOrderedLocal(ILocalReferenceOperation local, IOperation function, int depth)
        {
            var symbol = local.Local;
            if (IsCompareAndSwapped(symbol, function, local.Syntax.SpanStart))
            {
                return true;
            }

            // The variable of a loop over an ordered sequence.
            foreach (var loop in function.Descendants().OfType<IForEachLoopOperation>())
            {
                if (loop.Locals.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    return IsOrderedSequence(loop.Collection, function, loop.Syntax.SpanStart, depth + 1);
                }
            }

            var declaration = symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (declaration is SingleVariableDesignationSyntax designation && local.SemanticModel is { } semanticModel)
            {
                // `var (first, second) = a < b ? (a, b) : (b, a);` or `(var lo, var hi) = (Math.Min(a, b), Math.Max(a, b));`
                var assignment = designation.FirstAncestorOrSelf<AssignmentExpressionSyntax>();
                if (assignment?.Right is { } right && semanticModel.GetOperation(right) is { } value)
                {
                    value = DataAccessModel.Unwrap(value);
                    if (value is IConditionalOperation conditional && IsComparison(conditional.Condition))
                    {
                        return true;
                    }

                    if (value is ITupleOperation tuple && tuple.Elements.All(e => IsOrderedKey(e, function, depth + 1)))
                    {
                        return true;
                    }

                    if (value is IInvocationOperation or ILocalReferenceOperation && IsOrderedSequence(value, function, local.Syntax.SpanStart, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            }

            var initializer = DataAccessModel.GetLocalInitializer(local);
            return initializer != null && IsOrderedKey(initializer, function, depth + 1);
        }

        /// <summary><c>if (a &gt; b) (a, b) = (b, a);</c> (or with a temporary) before the use.</summary>
        private static bool IsCompareAndSwapped(ISymbol symbol, IOperation function, int usePosition)
        {
            foreach (var statement in function.Syntax.DescendantNodes().OfType<IfStatementSyntax>())
            {
                if (statement.SpanStart >= usePosition
                    || statement.Condition is not BinaryExpressionSyntax condition
                    || !IsComparisonKind(condition.Kind())
                    || !MentionsName(condition, symbol.Name))
                {
                    continue;
                }

                foreach (var assignment in statement.Statement.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>())
                {
                    if (assignment.Left is TupleExpressionSyntax tuple && tuple.Arguments.Any(a => a.Expression is IdentifierNameSyntax n && n.Identifier.ValueText == symbol.Name))
                    {
                        return true;
                    }

                    if (assignment.Left is IdentifierNameSyntax target && target.Identifier.ValueText == symbol.Name)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool MentionsName(SyntaxNode node, string name)
            => node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == name);

        /// <summary>Whether a sequence is enumerated in a defined order: sorted by LINQ, a sorted collection, or sorted in place before <paramref name="position"/>.</summary>
        private static bool IsOrderedSequence(IOperation? sequence, IOperation function, int position, int depth)
        {
            for (; sequence != null && depth < 12; depth++)
            {
                sequence = DataAccessModel.Unwrap(sequence);
                if (IsSortedCollectionType(sequence.Type))
                {
                    return true;
                }

                switch (sequence)
                {
                    case IInvocationOperation invocation:
                        var name = invocation.TargetMethod.Name;
                        if (OrderingOperators.Contains(name))
                        {
                            return true;
                        }

                        if (!OrderPreservingOperators.Contains(name))
                        {
                            return false;
                        }

                        sequence = DataAccessModel.GetReceiver(invocation);
                        continue;

                    case IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { } instance }:
                        sequence = instance;
                        continue;

                    case ILocalReferenceOperation local:
                        if (IsSortedInPlace(local.Local, function, position))
                        {
                            return true;
                        }

                        sequence = DataAccessModel.GetLocalInitializer(local);
                        continue;

                    case IParameterReferenceOperation parameter:
                        return IsSortedInPlace(parameter.Parameter, function, position);

                    case IFieldReferenceOperation field:
                        return IsSortedInPlace(field.Field, function, position);

                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool IsSortedCollectionType(ITypeSymbol? type)
            => type is INamedTypeSymbol named
               && SortedCollections.Contains(named.Name)
               && named.ContainingNamespace?.ToDisplayString() is "System.Collections.Generic" or "System.Collections.Immutable";

        /// <summary><c>Array.Sort(ids)</c> or <c>ids.Sort()</c> earlier in the function.</summary>
        private static bool IsSortedInPlace(ISymbol symbol, IOperation function, int position)
        {
            foreach (var invocation in function.Syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.SpanStart >= position || invocation.Expression is not MemberAccessExpressionSyntax access || access.Name.Identifier.ValueText != "Sort")
                {
                    continue;
                }

                if (access.Expression is IdentifierNameSyntax receiver && receiver.Identifier.ValueText == symbol.Name)
                {
                    return true;
                }

                if (access.Expression is IdentifierNameSyntax { Identifier.ValueText: "Array" }
                    && invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression is IdentifierNameSyntax argument
                    && argument.Identifier.ValueText == symbol.Name)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsMinMax(IInvocationOperation invocation)
            => invocation.TargetMethod is { Name: "Min" or "Max", IsStatic: true } method
               && (method.ContainingType?.Name == "Math" || method.ContainingType?.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double)
               && invocation.Arguments.Length == 2;

        private static bool IsComparison(IOperation? condition)
        {
            condition = condition is null ? null : DataAccessModel.Unwrap(condition);
            return condition is IBinaryOperation binary
                   && binary.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                       or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
        }

        private static bool IsComparisonKind(SyntaxKind kind)
            => kind is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
                or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression;

        /// <summary>The variables a <c>Math.Min(a, b)</c>/<c>Max</c> or <c>a &lt; b ? a : b</c> key covers.</summary>
        private static ImmutableArray<ISymbol> CoveredSymbols(IOperation key)
        {
            IEnumerable<IOperation> operands = key switch
            {
                IInvocationOperation invocation when IsMinMax(invocation) => invocation.Arguments.Select(a => a.Value),
                IConditionalOperation conditional when IsComparison(conditional.Condition) && conditional.WhenFalse != null
                    => new[] { conditional.WhenTrue, conditional.WhenFalse },
                _ => Enumerable.Empty<IOperation>(),
            };

            return operands.Select(o => SymbolOf(DataAccessModel.Unwrap(o))).Where(s => s != null).Select(s => s!).ToImmutableArray();
        }

        private static ISymbol? SymbolOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property => property.Property,
            _ => null,
        };

        /// <summary>One acquisition in the then-branch and the other in the else-branch of the same if or conditional.</summary>
        private static bool AreExclusiveBranches(IOperation first, IOperation second, IOperation function)
        {
            for (var node = first.Syntax; node != null && node != function.Syntax; node = node.Parent)
            {
                if (node.Parent is IfStatementSyntax ifStatement && ifStatement.Else != null)
                {
                    var inThen = node == ifStatement.Statement;
                    var inElse = node == ifStatement.Else;
                    if ((inThen && ifStatement.Else.Span.Contains(second.Syntax.Span)) || (inElse && ifStatement.Statement.Span.Contains(second.Syntax.Span)))
                    {
                        return true;
                    }
                }

                if (node.Parent is ConditionalExpressionSyntax conditional)
                {
                    if ((node == conditional.WhenTrue && conditional.WhenFalse.Span.Contains(second.Syntax.Span))
                        || (node == conditional.WhenFalse && conditional.WhenTrue.Span.Contains(second.Syntax.Span)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Both acquisitions in one branch of <c>if (a &lt; b)</c> comparing their keys: the branch fixes the order.</summary>
        private static bool IsGuardedByComparison(IOperation first, IOperation second, IOperation a, IOperation b, IOperation function)
        {
            var nameA = SymbolOf(a)?.Name;
            var nameB = SymbolOf(b)?.Name;
            if (nameA is null || nameB is null)
            {
                return false;
            }

            for (var node = first.Syntax.Parent; node != null && node != function.Syntax; node = node.Parent)
            {
                if (node is IfStatementSyntax { Condition: BinaryExpressionSyntax condition } ifStatement
                    && IsComparisonKind(condition.Kind())
                    && MentionsName(condition, nameA)
                    && MentionsName(condition, nameB)
                    && ifStatement.Span.Contains(second.Syntax.Span)
                    && !condition.Span.Contains(first.Syntax.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The innermost foreach whose iteration variable the key reads.</summary>
        private static IForEachLoopOperation? EnclosingLoopOver(RowLockAcquisition acquisition, IOperation function)
        {
            var keyLocals = new HashSet<ILocalSymbol>(
                acquisition.Key!.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(l => l.Local),
                SymbolEqualityComparer.Default);
            for (var operation = acquisition.Invocation.Parent; operation != null && operation != function; operation = operation.Parent)
            {
                if (operation is IForEachLoopOperation loop && loop.Locals.Any(keyLocals.Contains))
                {
                    return loop;
                }
            }

            return null;
        }

        /// <summary>
        /// A minimal "is an explicit transaction open here?" until Core/Transactions.cs lands (AP4002/AP4003):
        /// <c>BeginTransaction[Async]</c> earlier in the function on the same context, or a
        /// <c>TransactionScope</c> created earlier in the function.
        /// </summary>
        private static bool IsInExplicitTransaction(IInvocationOperation invocation, List<TransactionOpener> openers, DataAccessModel model)
        {
            var position = invocation.Syntax.SpanStart;

            // The lock's context is resolved only once a transaction begins before it.
            ContextInstance? context = null;
            var contextResolved = false;
            foreach (var opener in openers)
            {
                if (opener.Position >= position)
                {
                    continue;
                }

                if (opener.IsScope)
                {
                    return true;
                }

                if (!contextResolved)
                {
                    context = model.GetContextInstance(DataAccessModel.GetReceiver(invocation));
                    contextResolved = true;
                }

                if (context is null || opener.Context is null || opener.Context.Equals(context))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The function's transaction openers, gathered once per function for all its bulk updates.</summary>
        private static List<TransactionOpener> OpenersOf(
            IOperation function,
            DataAccessModel model,
            List<(IOperation Function, List<TransactionOpener> Openers)> known,
            List<IOperation>? candidates)
        {
            foreach (var (knownFunction, openers) in known)
            {
                if (ReferenceEquals(knownFunction, function))
                {
                    return openers;
                }
            }

            var found = TransactionOpeners(function, model, candidates);
            known.Add((function, found));
            return found;
        }

        /// <summary>A <c>TransactionScope</c> creation or a <c>BeginTransaction...</c> call, by name alone.</summary>
        private static bool MayOpenTransaction(IOperation operation, OperationKind kind)
            => kind == OperationKind.ObjectCreation
                ? operation.Type?.Name == "TransactionScope"
                : ((IInvocationOperation)operation).TargetMethod.Name.StartsWith("BeginTransaction", StringComparison.Ordinal);

        /// <summary>The openers among the block's candidates that lie in the function (nested lambdas included).</summary>
        private static List<TransactionOpener> TransactionOpeners(IOperation function, DataAccessModel model, List<IOperation>? candidates)
        {
            var openers = new List<TransactionOpener>();
            if (candidates is null)
            {
                return openers;
            }

            var span = function.Syntax.Span;
            foreach (var operation in candidates)
            {
                if (!span.Contains(operation.Syntax.Span))
                {
                    continue;
                }

                if (operation is IObjectCreationOperation { Type: { Name: "TransactionScope" } scopeType }
                    && scopeType.ContainingNamespace.HasFullName("System.Transactions"))
                {
                    openers.Add(new TransactionOpener(operation.Syntax.SpanStart, isScope: true, context: null));
                }
                else if (operation is IInvocationOperation candidate
                         && model.Classify(candidate) is { Kind: DataAccessKind.BeginTransaction } begin)
                {
                    openers.Add(new TransactionOpener(operation.Syntax.SpanStart, isScope: false, begin.Context));
                }
            }

            return openers;
        }

        private static void ReportPair(OperationAnalysisContext context, RowLockAcquisition first, RowLockAcquisition second, IOperation function)
        {
            var firstKey = first.Key!;
            var secondKey = second.Key!;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, ShapePair)
                .Add(SpansProperty, Spans(first.Invocation.Syntax, firstKey.Syntax, secondKey.Syntax));
            if (PairFixComparison(first, second, function) is { } compare)
            {
                properties = properties.Add(CompareProperty, compare);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP4001UnorderedRowLocks,
                NameLocation(second.Invocation),
                properties,
                second.Table,
                $"by key '{firstKey.Syntax}' and then by key '{secondKey.Syntax}'"));
        }

        /// <summary>
        /// The pair fix locks both rows up front, lowest key first, and leaves the original statements
        /// to re-read rows they already hold. That is safe only for pure locks (a SELECT ... FOR UPDATE,
        /// a user lock method), with keys that can be evaluated twice and are in scope before the first lock.
        /// </summary>
        private static string? PairFixComparison(RowLockAcquisition first, RowLockAcquisition second, IOperation function)
        {
            if (!first.IsPureLock || !second.IsPureLock)
            {
                return null;
            }

            var a = DataAccessModel.Unwrap(first.Key!);
            var b = DataAccessModel.Unwrap(second.Key!);
            var anchor = first.Invocation.Syntax.FirstAncestorOrSelf<StatementSyntax>();
            if (anchor is null
                || anchor.Parent is not BlockSyntax
                || !IsRepeatableInScope(a, anchor)
                || !IsRepeatableInScope(b, anchor)
                || !SymbolEqualityComparer.Default.Equals(a.Type, b.Type)
                || !IsStatementCopyable(anchor, first.Invocation.Syntax)
                || second.Invocation.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not { } secondStatement
                || !IsStatementCopyable(secondStatement, second.Invocation.Syntax))
            {
                return null;
            }

            var type = a.Type;
            if (type?.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double)
            {
                return CompareMinMax;
            }

            return type != null && type.AllInterfaces.Any(i => i.Name == "IComparable" && i.IsGenericType && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type))
                ? CompareTo
                : null;
        }

        /// <summary>A statement whose lock can be copied as a statement of its own: <c>await x;</c>, <c>x;</c>, <c>var v = [await] x;</c>.</summary>
        private static bool IsStatementCopyable(StatementSyntax statement, SyntaxNode invocation)
        {
            var expression = statement switch
            {
                ExpressionStatementSyntax e => e.Expression,
                LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } d => d.Declaration.Variables[0].Initializer?.Value,
                _ => null,
            };
            return expression is AwaitExpressionSyntax or InvocationExpressionSyntax && expression.Span.Contains(invocation.Span);
        }

        private static bool IsRepeatableInScope(IOperation key, StatementSyntax anchor)
        {
            if (key.ConstantValue.HasValue)
            {
                return true;
            }

            switch (key)
            {
                case IParameterReferenceOperation:
                case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation }:
                    return true;
                case ILocalReferenceOperation local:
                    var declaration = local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
                    if (declaration is null || declaration.SpanStart >= anchor.SpanStart)
                    {
                        return false;
                    }

                    // Declared in a block that also holds the first lock (not in a sibling branch).
                    var declaringStatement = declaration.FirstAncestorOrSelf<StatementSyntax>();
                    return declaringStatement?.Parent is BlockSyntax block && block.Span.Contains(anchor.Span)
                           || declaration.Parent is ParameterListSyntax;
                default:
                    return false;
            }
        }

        private static void ReportLoop(OperationAnalysisContext context, RowLockAcquisition acquisition, IForEachLoopOperation loop, Lazy<string> orderOperator)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, ShapeLoop);
            var collectionSyntax = (loop.Syntax as ForEachStatementSyntax)?.Expression;
            var elementType = (loop.Locals.FirstOrDefault() as ILocalSymbol)?.Type;
            if (collectionSyntax != null && IsComparable(elementType))
            {
                properties = properties.Add(OrderOperatorProperty, orderOperator.Value).Add(SpansProperty, Spans(collectionSyntax));
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP4001UnorderedRowLocks,
                NameLocation(acquisition.Invocation),
                properties,
                acquisition.Table,
                $"in a loop over '{collectionSyntax?.ToString() ?? "a collection"}', whose order is not guaranteed"));
        }

        private static bool IsComparable(ITypeSymbol? type)
            => type != null
               && (type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double or SpecialType.System_String
                   || type.AllInterfaces.Any(i => i.Name == "IComparable"));

        private static void ReportMultiRow(OperationAnalysisContext context, RowLockAcquisition acquisition)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, ShapeMultiRow);
            var segment = acquisition.LockClauseSegment;
            var canEdit = segment != null && acquisition.KeyColumn != null && RowLocks.OrderByInsertionPoint(segment.ToString()) >= 0;
            if (canEdit)
            {
                properties = properties.Add(OrderByColumnProperty, acquisition.KeyColumn).Add(SpansProperty, Spans(segment!));
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP4001UnorderedRowLocks,
                NameLocation(acquisition.Invocation),
                properties,
                acquisition.Table,
                $"by one statement for every row its '{acquisition.KeyColumn}' filter matches, without ORDER BY"));
        }

        private static string Spans(params SyntaxNode[] nodes)
            => string.Join(";", nodes.Select(n => n.Span.Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + n.Span.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        private static Location NameLocation(IInvocationOperation invocation) => invocation.Syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.GetLocation(),
            InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name.GetLocation(),
            _ => invocation.Syntax.GetLocation(),
        };

        /// <summary>A <c>BeginTransaction[Async]</c> call or a <c>TransactionScope</c> creation in a function.</summary>
        private readonly struct TransactionOpener
        {
            public TransactionOpener(int position, bool isScope, ContextInstance? context)
            {
                Position = position;
                IsScope = isScope;
                Context = context;
            }

            public int Position { get; }

            public bool IsScope { get; }

            /// <summary>The context a BeginTransaction runs on, when known.</summary>
            public ContextInstance? Context { get; }
        }
    }
}
