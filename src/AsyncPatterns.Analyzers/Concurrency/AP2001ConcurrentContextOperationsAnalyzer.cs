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
    /// AP2001: two operations on one DbContext instance in flight at once. EF Core throws
    /// "A second operation was started on this context instance before a previous operation
    /// completed" (or worse, corrupts the context's state) because a context and its connection
    /// serve one operation at a time
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues).
    /// Shapes: <c>Task.WhenAll</c>/<c>WhenAny</c> over tasks of one context (listed, in an array or
    /// list, held in locals, or produced by <c>Select</c> with a shared context); a task of a context
    /// still pending when a second operation on it starts; <c>Parallel.For[Each][Async]</c> bodies
    /// that use a context from outside the body.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP2001ConcurrentContextOperationsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: which shape was found, one of the <c>Shape...</c> values.</summary>
        public const string ShapeProperty = "Shape";

        /// <summary>Diagnostic property: the name of the reachable IDbContextFactory&lt;T&gt;, when there is one.</summary>
        public const string FactoryProperty = "Factory";

        public const string ShapeWhenAll = "WhenAll";
        public const string ShapeSelect = "Select";
        public const string ShapePending = "Pending";
        public const string ShapeParallel = "Parallel";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP2001ConcurrentContextOperations);

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

                start.RegisterOperationAction(c => AnalyzeInvocation(c, model), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzePendingTask(c, model), OperationKind.VariableDeclarator);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (ConcurrentOperations.IsWhenAllOrAny(model, invocation))
            {
                AnalyzeWhenAll(context, model, invocation);
            }
            else if (invocation.TargetMethod is { IsStatic: true, Name: "For" or "ForEach" or "ForEachAsync" } method
                     && method.IsContainedIn(model.Types.Parallel))
            {
                AnalyzeParallel(context, model, invocation);
            }
        }

        private static void AnalyzeWhenAll(OperationAnalysisContext context, DataAccessModel model, IInvocationOperation whenAll)
        {
            var name = NameOf(whenAll.Syntax);
            if (name is null)
            {
                return;
            }

            var display = "Task." + whenAll.TargetMethod.Name;
            var tasks = ConcurrentOperations.GetCombinedTasks(model, whenAll);
            IOperation? root = null;
            foreach (var group in tasks.Where(t => t.Context != null).GroupBy(t => t.Context!))
            {
                var members = group.ToList();
                if (members.Count < 2)
                {
                    continue;
                }

                root ??= ConcurrentOperations.GetFunctionRoot(whenAll);
                if (!Overlap(root, members))
                {
                    continue;
                }

                Report(context, model, whenAll, name, ShapeWhenAll, group.Key,
                    $"'{display}' runs {members.Count} operations at once",
                    "await them one after another, or give each operation its own context from " + FactoryDisplay(group.Key));
                return;
            }

            foreach (var argument in whenAll.Arguments)
            {
                var lambda = ConcurrentOperations.GetSelectLambda(model, argument.Value);
                if (lambda is null)
                {
                    continue;
                }

                var shared = ConcurrentOperations.GetOuterContextOperations(model, lambda);
                if (shared.Length > 0 && shared[0].Context is { } sharedContext)
                {
                    Report(context, model, whenAll, name, ShapeSelect, sharedContext,
                        $"'{display}' runs the operation of every 'Select' element at once",
                        "await them in a loop, or create a context per element from " + FactoryDisplay(sharedContext));
                    return;
                }
            }
        }

        /// <summary>
        /// Whether the tasks really overlap: a task held in a local stops being pending at its first
        /// use (an earlier <c>await a;</c> means <c>a</c> finished before <c>b</c> started).
        /// </summary>
        private static bool Overlap(IOperation root, List<CombinedTask> members)
        {
            var ranges = new List<(int Start, int End)>();
            foreach (var member in members)
            {
                if (member.Local is { } local && member.Operation is { } operation)
                {
                    var start = operation.Invocation.Syntax.SpanStart;
                    ranges.Add((start, ConcurrentOperations.FirstUseAfter(root, local, operation.Invocation.Syntax.Span.End)));
                }
                else
                {
                    ranges.Add((member.Element.Syntax.SpanStart, int.MaxValue));
                }
            }

            for (var i = 0; i < ranges.Count; i++)
            {
                for (var j = 0; j < ranges.Count; j++)
                {
                    if (i != j && ranges[i].Start <= ranges[j].Start && ranges[j].Start < ranges[i].End)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static void AnalyzeParallel(OperationAnalysisContext context, DataAccessModel model, IInvocationOperation invocation)
        {
            var name = NameOf(invocation.Syntax);
            if (name is null)
            {
                return;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (DataAccessModel.Unwrap(argument.Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation body })
                {
                    continue;
                }

                var shared = ConcurrentOperations.GetOuterContextOperations(model, body);
                if (shared.Length > 0 && shared[0].Context is { } sharedContext)
                {
                    Report(context, model, invocation, name, ShapeParallel, sharedContext,
                        $"The body of 'Parallel.{invocation.TargetMethod.Name}' runs in parallel",
                        "create a context inside the body from " + FactoryDisplay(sharedContext));
                    return;
                }
            }
        }

        /// <summary>
        /// <c>var t = db.Orders.ToListAsync();</c> followed, before <c>t</c> is used, by another operation
        /// on the same context. Tasks that a later WhenAll combines are that call's business.
        /// </summary>
        private static void AnalyzePendingTask(OperationAnalysisContext context, DataAccessModel model)
        {
            // Runs for every local of the compilation: the model calls an operation async exactly
            // when its name ends in "Async", a string test done before any symbol is looked at.
            var declarator = (IVariableDeclaratorOperation)context.Operation;
            var local = declarator.Symbol;
            var value = declarator.Initializer?.Value;
            if (value is null
                || DataAccessModel.Unwrap(value) is not IInvocationOperation invocation
                || !invocation.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal)
                || !AsyncContext.IsTaskLike(local.Type, model.Types)
                || model.Classify(invocation) is not { DoesIO: true, IsAsync: true, Context: { } pendingContext })
            {
                return;
            }

            var root = ConcurrentOperations.GetFunctionRoot(declarator);
            var declarationEnd = declarator.Syntax.Span.End;
            var end = ConcurrentOperations.FirstUseAfter(root, local, declarationEnd);
            foreach (var second in OperationsOfFunction(root, declarationEnd, end))
            {
                if (model.Classify(second) is not { DoesIO: true, Context: { } context2 }
                    || !pendingContext.Equals(context2)
                    || IsCombinedWith(model, root, second, local))
                {
                    continue;
                }

                var name = NameOf(second.Syntax);
                if (name is null)
                {
                    return;
                }

                Report(context, model, second, name, ShapePending, pendingContext,
                    $"'{second.TargetMethod.Name}' starts while task '{local.Name}' is still running",
                    $"await '{local.Name}' first, or give it its own context from " + FactoryDisplay(pendingContext));
                return;
            }
        }

        /// <summary>
        /// The invocations of the function itself that start strictly between <paramref name="after"/>
        /// and <paramref name="before"/>, in source order, not those of nested lambdas or local functions.
        /// </summary>
        private static IEnumerable<IInvocationOperation> OperationsOfFunction(IOperation root, int after, int before)
            => UnorderedOperationsOfFunction(root, after, before).OrderBy(i => i.Syntax.SpanStart);

        private static List<IInvocationOperation> UnorderedOperationsOfFunction(IOperation root, int after, int before)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            var found = new List<IInvocationOperation>();
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                // By kind: a type test against an interface scans the operation class's interfaces.
                if (current.Kind == OperationKind.Invocation
                    && current.Syntax.SpanStart is var start && start > after && start < before)
                {
                    found.Add((IInvocationOperation)current);
                }

                foreach (var child in current.ChildOperations)
                {
                    if (child.Kind is not (OperationKind.AnonymousFunction or OperationKind.LocalFunction))
                    {
                        stack.Push(child);
                    }
                }
            }

            return found;
        }

        /// <summary>Whether the invocation initializes a task local that a WhenAll/WhenAny combines with <paramref name="pending"/>.</summary>
        private static bool IsCombinedWith(DataAccessModel model, IOperation root, IInvocationOperation second, ILocalSymbol pending)
        {
            var parent = second.Parent;
            while (parent?.Kind is OperationKind.Conversion or OperationKind.Parenthesized)
            {
                parent = parent.Parent;
            }

            if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { } secondLocal } })
            {
                return false;
            }

            // Any combining call will do: no need to sort them.
            foreach (var invocation in UnorderedOperationsOfFunction(root, -1, int.MaxValue))
            {
                if (!ConcurrentOperations.IsWhenAllOrAny(model, invocation))
                {
                    continue;
                }

                var locals = ConcurrentOperations.GetCombinedTasks(model, invocation).Select(t => t.Local).ToList();
                if (locals.Contains(pending, SymbolEqualityComparer.Default) && locals.Contains(secondLocal, SymbolEqualityComparer.Default))
                {
                    return true;
                }
            }

            return false;
        }

        private static string FactoryDisplay(ContextInstance context) => $"IDbContextFactory<{context.ContextType.Name}>";

        private static void Report(
            OperationAnalysisContext context,
            DataAccessModel model,
            IOperation at,
            SimpleNameSyntax name,
            string shape,
            ContextInstance instance,
            string what,
            string remedy)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape);
            var factory = ContextFactories.FindReachable(model, at, context.ContainingSymbol, instance.ContextType);
            if (factory != null)
            {
                properties = properties.Add(FactoryProperty, factory.Name);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP2001ConcurrentContextOperations,
                name.GetLocation(),
                properties,
                what,
                instance.DisplayName,
                remedy));
        }

        private static SimpleNameSyntax? NameOf(SyntaxNode syntax) => syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name,
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name,
            InvocationExpressionSyntax { Expression: SimpleNameSyntax simple } => simple,
            _ => null,
        };
    }
}
