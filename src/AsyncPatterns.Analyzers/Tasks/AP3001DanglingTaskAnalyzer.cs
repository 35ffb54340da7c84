using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tasks
{
    /// <summary>
    /// AP3001: a task nobody awaits. Two shapes:
    /// <list type="bullet">
    /// <item>a Task/ValueTask-returning call used as a statement, where the compiler's CS4014 does
    /// not already speak: CS4014 covers every awaitable call statement in an async function and
    /// calls to source methods declared <c>async</c> anywhere, so this rule reports the other
    /// calls in synchronous methods, lambdas and local functions, and conditional calls
    /// (<c>x?.SaveAsync();</c>), which CS4014 skips everywhere;</item>
    /// <item>an async lambda converted to a void-returning delegate (<c>list.ForEach(async x =&gt; ...)</c>,
    /// <c>Action</c> parameters, timer callbacks): the delegate's caller cannot wait for it, and its
    /// exceptions are raised on the thread pool. Event subscriptions (<c>+=</c>) are the
    /// one place where async void is the accepted idiom and stay silent.</item>
    /// </list>
    /// Discards (<c>_ = ...</c>), stored, returned, passed and awaited tasks, and
    /// <c>ContinueWith</c> chains are observed and stay silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP3001DanglingTaskAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: which shape was found, one of the <c>Shape...</c> values.</summary>
        public const string ShapeProperty = "Shape";

        public const string ShapeCall = "Call";
        public const string ShapeConditionalCall = "ConditionalCall";
        public const string ShapeAsyncVoidLambda = "AsyncVoidLambda";

        private const string AwaitIt = "await it, or discard it with '_ =' when fire-and-forget is intended";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP3001DanglingTask);

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

                start.RegisterOperationAction(c => AnalyzeStatement(c, model.Types), OperationKind.ExpressionStatement);
                start.RegisterOperationAction(c => AnalyzeLambda(c, model.Types), OperationKind.AnonymousFunction);
            });
        }

        private static void AnalyzeStatement(OperationAnalysisContext context, KnownTypes types)
        {
            var statement = (IExpressionStatementOperation)context.Operation;
            switch (statement.Operation)
            {
                case IInvocationOperation invocation:
                    if (!AsyncContext.IsTaskLike(invocation.Type, types)
                        || IsContinuation(invocation, types)
                        || CompilerReports(invocation, context.ContainingSymbol))
                    {
                        return;
                    }

                    Report(context, invocation, ShapeCall);
                    return;

                case IConditionalAccessOperation conditional:
                    // CS4014 does not look into `x?.M()` (its type is not the call's but the lifted one).
                    var call = InnermostCall(conditional);
                    if (call is null || !AsyncContext.IsTaskLike(call.Type, types) || IsContinuation(call, types))
                    {
                        return;
                    }

                    Report(context, call, ShapeConditionalCall);
                    return;
            }
        }

        /// <summary>Where CS4014 already warns: any awaitable call statement inside an async function,
        /// and a call to a method declared <c>async</c> in source anywhere.</summary>
        private static bool CompilerReports(IInvocationOperation invocation, ISymbol? containingSymbol)
            => invocation.TargetMethod.IsAsync || AsyncContext.IsInAsyncFunction(invocation, containingSymbol);

        private static bool IsContinuation(IInvocationOperation invocation, KnownTypes types)
            => invocation.TargetMethod.Name == "ContinueWith"
               && (invocation.TargetMethod.IsContainedIn(types.Task) || invocation.TargetMethod.IsContainedIn(types.TaskOfT));

        private static IInvocationOperation? InnermostCall(IConditionalAccessOperation conditional)
        {
            IOperation current = conditional;
            for (var depth = 0; current is IConditionalAccessOperation access && depth < 16; depth++)
            {
                current = access.WhenNotNull;
            }

            return current as IInvocationOperation;
        }

        private static void Report(OperationAnalysisContext context, IInvocationOperation invocation, string shape)
        {
            var location = NameLocation(invocation.Syntax);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3001DanglingTask,
                location,
                ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape),
                $"The task returned by '{invocation.TargetMethod.Name}'",
                AwaitIt));
        }

        private static Location NameLocation(SyntaxNode syntax)
        {
            var expression = (syntax as InvocationExpressionSyntax)?.Expression;
            SyntaxNode node = expression switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                MemberBindingExpressionSyntax binding => binding.Name,
                SimpleNameSyntax name => name,
                null => syntax,
                _ => expression,
            };
            return node.GetLocation();
        }

        private static void AnalyzeLambda(OperationAnalysisContext context, KnownTypes types)
        {
            var lambda = (IAnonymousFunctionOperation)context.Operation;
            if (!lambda.Symbol.IsAsync || !lambda.Symbol.ReturnsVoid)
            {
                return;
            }

            var asyncKeyword = lambda.Syntax switch
            {
                AnonymousFunctionExpressionSyntax function => function.AsyncKeyword,
                _ => default,
            };
            if (!asyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            {
                return;
            }

            IOperation? conversion = lambda.Parent;
            while (conversion is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                if (conversion.Parent is null)
                {
                    break;
                }

                conversion = conversion.Parent;
            }

            // `button.Click += async (s, e) => ...`: the event raiser cannot await anyway, and an
            // async void handler is the idiom the framework documents for events.
            if (conversion is IEventAssignmentOperation)
            {
                return;
            }

            var delegateType = (lambda.Parent as IDelegateCreationOperation)?.Type
                               ?? (lambda.Parent as IConversionOperation)?.Type;
            var delegateName = delegateType?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "a void delegate";
            string what;
            string remedy;
            if (conversion is IArgumentOperation { Parent: IInvocationOperation receiver })
            {
                what = $"The async lambda passed to '{receiver.TargetMethod.Name}' as '{delegateName}'";
                remedy = IsListForEach(receiver.TargetMethod)
                    ? "loop with foreach and await each call"
                    : "use an overload that takes a Func returning Task, or loop and await";
            }
            else
            {
                what = $"The async lambda converted to '{delegateName}'";
                remedy = "give it a delegate type that returns Task, and await that";
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3001DanglingTask,
                asyncKeyword.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, ShapeAsyncVoidLambda),
                what,
                remedy));
        }

        /// <summary><c>List&lt;T&gt;.ForEach</c>: the one void-delegate API whose loop the fix can write out.</summary>
        internal static bool IsListForEach(IMethodSymbol method)
            => method.Name == "ForEach"
               && !method.IsStatic
               && method.ContainingType?.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>";
    }
}
