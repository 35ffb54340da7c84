using System.Collections.Generic;
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
    /// AP3002: a synchronous EF Core operation that does database I/O (a query's terminal operator,
    /// <c>foreach</c> over a query, SaveChanges, Find, bulk and raw SQL statements, transactions,
    /// explicit loading, schema changes) inside an async method, lambda or local function. The
    /// synchronous forms block a thread-pool thread for the whole round trip
    /// (https://learn.microsoft.com/ef/core/miscellaneous/async). Change tracking (Add, Attach,
    /// Update, Remove) and <c>IDbContextFactory.CreateDbContext</c> do no I/O and are not reported:
    /// EF Core itself recommends their synchronous forms.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP3002SyncEfIoInAsyncMethodAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: <see cref="FixCall"/> or <see cref="FixForEach"/>; absent when no fix applies.</summary>
        public const string FixProperty = "Fix";

        public const string FixCall = "Call";
        public const string FixForEach = "ForEach";

        /// <summary>For <see cref="FixCall"/>: the async method's name.</summary>
        public const string CounterpartProperty = "Counterpart";

        /// <summary>The token expression to pass (<c>cancellationToken</c>, <c>HttpContext.RequestAborted</c>); absent when none is in scope or the counterpart takes none.</summary>
        public const string TokenProperty = "Token";

        /// <summary>For <see cref="FixCall"/> with a token: the index of the first expanded <c>params</c> argument to wrap into an array.</summary>
        public const string ParamsStartProperty = "ParamsStart";

        /// <summary>The element type of that array, as written at the call.</summary>
        public const string ParamsElementTypeProperty = "ParamsElementType";

        /// <summary>"true" when the call initializes a <c>using</c> local of an IAsyncDisposable type: the fix makes it <c>await using</c>.</summary>
        public const string AwaitUsingProperty = "AwaitUsing";

        /// <summary>
        /// The static classes whose extension methods the new code calls, by metadata name, separated
        /// by ';'. The fix imports the namespace of each that is not visible by its simple name where
        /// the code is: that lookup binds speculatively, too dear to pay at every report.
        /// </summary>
        public const string ImportsProperty = "Imports";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP3002SyncEfIoInAsyncMethod);

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

                start.RegisterOperationAction(c => AnalyzeInvocation(c, model), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzeForEach(c, model), OperationKind.Loop);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model)
        {
            var invocation = (IInvocationOperation)context.Operation;

            // This runs for every call of the compilation. The model calls an operation async exactly
            // when the method's name ends in "Async", and async ones are never reported here: that
            // name test, done first, spares most EF Core calls the classification and the walk to
            // the enclosing function.
            if (invocation.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal))
            {
                return;
            }

            // Classification is a lookup per method definition (the context instance is resolved only
            // on demand): cheaper than the walk to the enclosing function, and most calls in async
            // code are not EF Core's.
            var operation = model.Classify(invocation);
            if (operation is null || operation.IsAsync || !operation.DoesIO)
            {
                return;
            }

            var function = AsyncContext.GetEnclosingFunction(invocation, context.ContainingSymbol);
            if (function is not { IsAsync: true } || IsInExpressionTree(invocation))
            {
                return;
            }

            var method = invocation.TargetMethod.Unreduced();
            var counterpart = AsyncCounterparts.Find(method, model.Types);

            // Without a counterpart (ToLookup, an operator given a Func where EF wants an
            // expression) the remedy is to materialize asynchronously first.
            var remedy = counterpart?.Name
                         ?? (operation.Kind == DataAccessKind.QueryExecution ? "ToListAsync" : method.Name + "Async");

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            if (counterpart != null && CanAwaitHere(invocation, function) && invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax or SimpleNameSyntax })
            {
                properties[FixProperty] = FixCall;
                properties[CounterpartProperty] = counterpart.Name;
                var imports = new List<string>();
                AddImport(imports, counterpart.Container);

                var token = counterpart.AcceptsToken ? CancellationTokens.Find(invocation, context.ContainingSymbol, model.Types) : null;
                if (token != null)
                {
                    properties[TokenProperty] = token.Expression;
                    if (counterpart.WrapsParamsArray)
                    {
                        AddParamsWrapping(properties, invocation);
                    }
                }

                if (IsAsyncDisposableUsingInitializer(invocation, model.Types))
                {
                    properties[AwaitUsingProperty] = "true";
                }

                if (imports.Count > 0)
                {
                    properties[ImportsProperty] = string.Join(";", imports);
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3002SyncEfIoInAsyncMethod,
                NameLocation(invocation.Syntax),
                properties.ToImmutable(),
                method.Name,
                AsyncContext.DescribeKind(function),
                AsyncContext.DescribeName(function),
                remedy));
        }

        private static void AnalyzeForEach(OperationAnalysisContext context, DataAccessModel model)
        {
            if (context.Operation is not IForEachLoopOperation { IsAsynchronous: false } loop
                || loop.Syntax is not CommonForEachStatementSyntax syntax)
            {
                return;
            }

            var function = AsyncContext.GetEnclosingFunction(loop, context.ContainingSymbol);
            if (function is not { IsAsync: true } || !model.IsEfQuery(loop.Collection) || IsInExpressionTree(loop))
            {
                return;
            }

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            var asAsyncEnumerable = model.Types.EntityFrameworkQueryableExtensions;
            if (asAsyncEnumerable != null && CanAwaitHere(loop, function))
            {
                properties[FixProperty] = FixForEach;
                var imports = new List<string>();
                AddImport(imports, asAsyncEnumerable);
                var token = CancellationTokens.Find(loop, context.ContainingSymbol, model.Types);
                if (token != null)
                {
                    properties[TokenProperty] = token.Expression;
                    AddImport(imports, model.Types.TaskAsyncEnumerableExtensions);
                }

                if (imports.Count > 0)
                {
                    properties[ImportsProperty] = string.Join(";", imports);
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3002SyncEfIoInAsyncMethod,
                syntax.ForEachKeyword.GetLocation(),
                properties.ToImmutable(),
                "foreach",
                AsyncContext.DescribeKind(function),
                AsyncContext.DescribeName(function),
                "await foreach over AsAsyncEnumerable()"));
        }

        /// <summary>
        /// A query inside a lambda that EF translates (<c>db.Orders.Where(o =&gt; db.Lines.Any(...))</c>)
        /// is never executed on its own. Such a lambda is never async, so the enclosing-function test
        /// already stays silent; this guards the shapes where the tree says otherwise.
        /// </summary>
        private static bool IsInExpressionTree(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda)
                {
                    var target = lambda.Parent switch
                    {
                        IDelegateCreationOperation creation => creation.Type,
                        IConversionOperation conversion => conversion.Type,
                        _ => null,
                    };

                    if (target is INamedTypeSymbol { Name: "Expression", ContainingNamespace: { } ns }
                        && ns.HasFullName("System.Linq.Expressions"))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary><c>await</c> is not allowed in a lock body, a catch filter or an unsafe context between the operation and its function.</summary>
        private static bool CanAwaitHere(IOperation operation, IMethodSymbol function)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }

                if (current is ILockOperation)
                {
                    return false;
                }
            }

            for (var node = operation.Syntax.Parent; node != null; node = node.Parent)
            {
                switch (node)
                {
                    case CatchFilterClauseSyntax:
                    case UnsafeStatementSyntax:
                    case QueryExpressionSyntax:
                        return false;
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case MemberDeclarationSyntax:
                        return function.IsAsync;
                }
            }

            return function.IsAsync;
        }

        private static void AddImport(List<string> imports, INamedTypeSymbol? container)
        {
            if (container is null || !container.IsStatic || container.ContainingNamespace is not { IsGlobalNamespace: false } ns)
            {
                return;
            }

            var name = ns.ToDisplayString() + "." + container.MetadataName;
            if (!imports.Contains(name))
            {
                imports.Add(name);
            }
        }

        private static void AddParamsWrapping(ImmutableDictionary<string, string?>.Builder properties, IInvocationOperation invocation)
        {
            if (invocation.Syntax is not InvocationExpressionSyntax call || invocation.SemanticModel is null)
            {
                return;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.ParamArray
                    || argument.Parameter?.Type is not IArrayTypeSymbol arrayType
                    || argument.Value is not IArrayCreationOperation { Initializer: { } initializer }
                    || initializer.ElementValues.Length == 0)
                {
                    continue;
                }

                var first = initializer.ElementValues[0].Syntax.Parent as ArgumentSyntax;
                var index = first is null ? -1 : call.ArgumentList.Arguments.IndexOf(first);
                if (index < 0)
                {
                    return;
                }

                properties[ParamsStartProperty] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                properties[ParamsElementTypeProperty] = arrayType.ElementType
                    .WithNullableAnnotation(NullableAnnotation.NotAnnotated)
                    .ToMinimalDisplayString(invocation.SemanticModel, call.SpanStart);
            }
        }

        private static bool IsAsyncDisposableUsingInitializer(IInvocationOperation invocation, KnownTypes types)
        {
            if (invocation.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                || declarator.Parent is not IVariableDeclarationOperation declaration)
            {
                return false;
            }

            var isUsing = declaration.Parent is IVariableDeclarationGroupOperation { Parent: IUsingDeclarationOperation { IsAsynchronous: false } or IUsingOperation { IsAsynchronous: false } }
                          || declaration.Parent is IUsingOperation { IsAsynchronous: false };
            return isUsing && declarator.Symbol.Type.Implements(types.AsyncDisposable);
        }

        /// <summary>The method name of a call: the smallest span that says what is called.</summary>
        internal static Location NameLocation(SyntaxNode syntax)
        {
            if (syntax is InvocationExpressionSyntax invocation)
            {
                switch (invocation.Expression)
                {
                    case MemberAccessExpressionSyntax access:
                        return access.Name.Identifier.GetLocation();
                    case MemberBindingExpressionSyntax binding:
                        return binding.Name.Identifier.GetLocation();
                    case SimpleNameSyntax name:
                        return name.Identifier.GetLocation();
                }
            }

            return syntax.GetLocation();
        }
    }
}
