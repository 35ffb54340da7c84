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
    /// AP3003: <c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c> or <c>Task.WaitAll</c>
    /// on a task that comes from an asynchronous data-access call (EF Core, ADO.NET, the session,
    /// the distributed cache). Blocking holds a thread for the whole round trip and deadlocks
    /// under a synchronization context
    /// (https://learn.microsoft.com/archive/msdn-magazine/2013/march/async-await-best-practices-in-asynchronous-programming#async-all-the-way).
    /// Blocking on other tasks (<c>Task.Delay(1).Wait()</c>) is left to VSTHRD002 and MA0045.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP3003BlockingOnAsyncCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: how the code blocks, one of the <c>Kind...</c> values.</summary>
        public const string KindProperty = "Kind";

        public const string KindResult = "Result";
        public const string KindWait = "Wait";
        public const string KindGetResult = "GetResult";
        public const string KindWaitAll = "WaitAll";
        public const string KindWaitOther = "WaitOther";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP3003BlockingOnAsyncCall);

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

                start.RegisterOperationAction(c => AnalyzeProperty(c, model), OperationKind.PropertyReference);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, model), OperationKind.Invocation);
            });
        }

        private static void AnalyzeProperty(OperationAnalysisContext context, DataAccessModel model)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            var property = reference.Property;
            if (property.Name != "Result"
                || !(property.IsContainedIn(model.Types.TaskOfT) || property.IsContainedIn(model.Types.ValueTaskOfT))
                || reference.Syntax is not MemberAccessExpressionSyntax access)
            {
                return;
            }

            Report(context, model, reference.Instance, access.Name, KindResult, "Result");
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name is not ("Wait" or "GetResult" or "WaitAll" or "WaitAny") || NameOf(invocation.Syntax) is not { } name)
            {
                return;
            }

            switch (method.Name)
            {
                case "Wait" when method.IsContainedIn(model.Types.Task) && !method.IsStatic:
                    Report(context, model, invocation.Instance, name, KindWait, "Wait()");
                    return;

                case "GetResult" when invocation.Arguments.Length == 0
                                      && DataAccessModel.Unwrap(invocation.Instance ?? invocation) is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter
                                      && getAwaiter.Instance != null
                                      && (AsyncContext.IsTaskLike(getAwaiter.Instance.Type, model.Types) || IsConfiguredAwaitable(getAwaiter.Instance)):
                    Report(context, model, getAwaiter.Instance, name, KindGetResult, "GetAwaiter().GetResult()");
                    return;

                case "WaitAll" or "WaitAny" when method.IsStatic && method.IsContainedIn(model.Types.Task):
                    // Only WaitAll(params Task[]) and WaitAll(params ReadOnlySpan<Task>) mean "wait for all
                    // of them" with nothing else to honour; the timeout and token overloads get no fix.
                    var kind = method.Name == "WaitAll" && method.Parameters.Length == 1 ? KindWaitAll : KindWaitOther;
                    foreach (var argument in invocation.Arguments)
                    {
                        foreach (var element in AsyncDataAccessCalls.Elements(argument.Value))
                        {
                            if (Report(context, model, element, name, kind, "Task." + method.Name))
                            {
                                return;
                            }
                        }
                    }

                    return;
            }
        }

        private static bool IsConfiguredAwaitable(IOperation operation)
            => DataAccessModel.Unwrap(operation) is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" };

        private static SimpleNameSyntax? NameOf(SyntaxNode syntax) => syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name,
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name,
            _ => null,
        };

        private static bool Report(OperationAnalysisContext context, DataAccessModel model, IOperation? task, SimpleNameSyntax name, string kind, string display)
        {
            if (task is null)
            {
                return false;
            }

            var source = AsyncDataAccessCalls.FindSource(model, task);
            if (source is null || IsAlreadyCompleted(task, name))
            {
                return false;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3003BlockingOnAsyncCall,
                name.GetLocation(),
                properties,
                display,
                source.TargetMethod.Name));
            return true;
        }

        /// <summary>
        /// A local task that was awaited earlier on every path of the same function (<c>await t;</c>,
        /// <c>await Task.WhenAll(a, b);</c> in an enclosing block, before the statement that reads it),
        /// or read under an <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c> check, has finished:
        /// reading its result does not block.
        /// </summary>
        private static bool IsAlreadyCompleted(IOperation task, SyntaxNode use)
        {
            if (DataAccessModel.Unwrap(task) is not ILocalReferenceOperation local)
            {
                return false;
            }

            var name = local.Local.Name;
            SyntaxNode child = use;
            for (var node = use.Parent; node != null; child = node, node = node.Parent)
            {
                switch (node)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case MemberDeclarationSyntax:
                        return false;

                    case IfStatementSyntax ifStatement when child == ifStatement.Statement && ChecksCompletion(ifStatement.Condition, name):
                        return true;

                    case ConditionalExpressionSyntax conditional when child == conditional.WhenTrue && ChecksCompletion(conditional.Condition, name):
                        return true;

                    case BlockSyntax block:
                        foreach (var statement in block.Statements)
                        {
                            if (statement == child)
                            {
                                break;
                            }

                            if (AwaitsLocal(statement, name))
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        private static bool ChecksCompletion(ExpressionSyntax condition, string local)
        {
            foreach (var access in condition.DescendantNodesAndSelf())
            {
                if (access is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax identifier } member
                    && identifier.Identifier.ValueText == local
                    && member.Name.Identifier.ValueText is "IsCompleted" or "IsCompletedSuccessfully")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A statement that is itself an await of the local (directly or through Task.WhenAll):
        /// not one where the await sits on only some paths (a branch, a conditional, a short-circuit).</summary>
        private static bool AwaitsLocal(StatementSyntax statement, string local)
        {
            ExpressionSyntax? expression = statement switch
            {
                ExpressionStatementSyntax expressionStatement => expressionStatement.Expression,
                LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } => variables[0].Initializer?.Value,
                _ => null,
            };
            if (expression is AssignmentExpressionSyntax assignment)
            {
                expression = assignment.Right;
            }

            if (Strip(expression) is not AwaitExpressionSyntax awaitExpression)
            {
                return false;
            }

            var awaited = Strip(awaitExpression.Expression);
            if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure })
            {
                awaited = Strip(configure.Expression);
            }

            if (IsIdentifier(awaited, local))
            {
                return true;
            }

            if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WhenAll" } } whenAll)
            {
                foreach (var argument in whenAll.ArgumentList.Arguments)
                {
                    var value = Strip(argument.Expression);
                    if (IsIdentifier(value, local))
                    {
                        return true;
                    }

                    var initializer = value switch
                    {
                        ArrayCreationExpressionSyntax array => array.Initializer,
                        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer,
                        _ => null,
                    };
                    if (initializer != null)
                    {
                        foreach (var element in initializer.Expressions)
                        {
                            if (IsIdentifier(Strip(element), local))
                            {
                                return true;
                            }
                        }
                    }

                    if (value is CollectionExpressionSyntax collection)
                    {
                        foreach (var element in collection.Elements)
                        {
                            if (element is ExpressionElementSyntax { Expression: { } elementExpression } && IsIdentifier(Strip(elementExpression), local))
                            {
                                return true;
                            }
                        }
                    }
                }
            }

            return false;
        }

        private static bool IsIdentifier(ExpressionSyntax? expression, string name)
            => expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name;

        private static ExpressionSyntax? Strip(ExpressionSyntax? expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }
    }
}
