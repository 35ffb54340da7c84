using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Lifetime
{
    /// <summary>
    /// AP1005: a DbContext, or a deferred query or delegate that uses one, outlives the
    /// <c>using</c>, DI scope or request that owns the context. EF Core throws
    /// ObjectDisposedException when a disposed context runs a query, and a request-scoped context
    /// is disposed when the request ends, while fire-and-forget work may still be using it
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP1005EscapingDbContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: which fix applies (<see cref="FixMaterialize"/> or <see cref="FixCreateInside"/>); absent when none does.</summary>
        public const string FixProperty = "Fix";

        public const string FixMaterialize = "Materialize";
        public const string FixCreateInside = "CreateInside";

        /// <summary>For <see cref="FixCreateInside"/>: the expression naming the factory (<c>_factory</c>).</summary>
        public const string FactoryProperty = "Factory";

        /// <summary>For <see cref="FixCreateInside"/>: <see cref="FactoryKindContext"/> or <see cref="FactoryKindScope"/>.</summary>
        public const string FactoryKindProperty = "FactoryKind";

        public const string FactoryKindContext = "DbContextFactory";
        public const string FactoryKindScope = "ServiceScopeFactory";

        /// <summary>For <see cref="FixCreateInside"/> from a scope factory: the context type as written at the work's position.</summary>
        public const string ContextTypeProperty = "ContextType";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP1005EscapingDbContext);

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

                start.RegisterOperationAction(c => AnalyzeReturn(c, model), OperationKind.Return);
                start.RegisterOperationAction(c => AnalyzeEscapingLambda(c, model), OperationKind.AnonymousFunction);
                start.RegisterOperationAction(c => AnalyzeBackgroundWork(c, model), OperationKind.Invocation, OperationKind.ObjectCreation);
                start.RegisterOperationAction(c => AnalyzeUseAfterScope(c, model), OperationKind.SimpleAssignment);
            });
        }

        // Shape 1: `using var db = ...; return db.Orders.Where(...);` and `return db;`.
        private static void AnalyzeReturn(OperationAnalysisContext context, DataAccessModel model)
        {
            var returned = ((IReturnOperation)context.Operation).ReturnedValue;
            if (returned is null || context.Operation.Kind != OperationKind.Return)
            {
                return;
            }

            var value = DataAccessModel.Unwrap(returned);
            if (!MayHoldContextOrQuery(value.Type, model))
            {
                return;
            }

            var isContext = model.IsDbContextType(value.Type);
            if (!isContext && !model.IsDeferredEfQuery(value))
            {
                return;
            }

            var instance = model.GetContextInstance(value);
            var disposal = ContextScopes.GetDisposal(instance, context.Operation.SemanticModel);
            if (instance is null || disposal is null || !disposal.IsAliveAndDisposedOnReturn(context.Operation.Syntax))
            {
                return;
            }

            var function = DescribeFunction(context.Operation);
            if (isContext)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1005EscapingDbContext,
                    value.Syntax.GetLocation(),
                    $"The caller of {function}",
                    instance.DisplayName,
                    "return the data the caller needs, or let the caller create and dispose the context"));
                return;
            }

            var isAsync = IsInAsyncFunction(context.Operation);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, FixMaterialize);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP1005EscapingDbContext,
                value.Syntax.GetLocation(),
                properties,
                $"The query returned from {function}",
                instance.DisplayName,
                isAsync ? "materialize it with 'await ...ToListAsync()' before returning" : "materialize it with 'ToList()' before returning"));
        }

        // Shape 1: `return () => db.Orders.Count();` and `_callback = () => db.Orders.Count();`.
        private static void AnalyzeEscapingLambda(OperationAnalysisContext context, DataAccessModel model)
        {
            var lambda = (IAnonymousFunctionOperation)context.Operation;
            var escape = GetEscape(lambda);
            if (escape is null)
            {
                return;
            }

            foreach (var capture in CapturedContexts(lambda, model))
            {
                var disposal = ContextScopes.GetDisposal(capture.Instance, lambda.SemanticModel);
                if (disposal != null && lambda.Syntax.Parent != null && disposal.IsAliveAndDisposedOnReturn(lambda.Syntax.Parent))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.AP1005EscapingDbContext,
                        capture.Reference.Syntax.GetLocation(),
                        escape,
                        capture.Instance.DisplayName,
                        "run the query before the scope ends, or let the delegate create its own context"));
                }
            }
        }

        // Shape 2: fire-and-forget work using a context owned by the request or by a `using`.
        private static void AnalyzeBackgroundWork(OperationAnalysisContext context, DataAccessModel model)
        {
            var operation = context.Operation;
            var work = BackgroundWork.TryGet(operation, model.Types);
            if (work is null)
            {
                AnalyzeDroppedCall(context, model);
                return;
            }

            if (work.Body is null)
            {
                return;
            }

            var fate = BackgroundWork.GetFate(operation, model.Types);
            if (fate == TaskFate.Awaited)
            {
                return;
            }

            foreach (var capture in CapturedContexts(work.Body, model))
            {
                var instance = capture.Instance;
                var ownedByRequest = instance.Kind is ContextInstanceKind.Injected or ContextInstanceKind.Parameter
                                     && !IsInLongLivedComponent(context.ContainingSymbol, model);
                if (ownedByRequest ? fate == TaskFate.Returned : !IsDisposedHere(instance, operation))
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty;
                var factory = capture.IsRewritable ? FindFactory(work.Body, instance.ContextType, model) : null;
                if (factory != null)
                {
                    properties = properties
                        .Add(FixProperty, FixCreateInside)
                        .Add(FactoryProperty, factory.Value.Name)
                        .Add(FactoryKindProperty, factory.Value.Kind);

                    // Only a scope's GetRequiredService<T>() names the type; writing it minimally costs
                    // name lookups at the position, so the other fix shape goes without.
                    if (factory.Value.Kind == FactoryKindScope)
                    {
                        properties = properties.Add(ContextTypeProperty, instance.ContextType.ToMinimalDisplayString(work.Body.SemanticModel!, work.Body.Syntax.SpanStart));
                    }
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1005EscapingDbContext,
                    capture.Reference.Syntax.GetLocation(),
                    properties,
                    $"Background work started by '{work.Name}'",
                    instance.DisplayName,
                    $"create the context inside the work from IDbContextFactory<{instance.ContextType.Name}> or a new DI scope"));
            }
        }

        // Shape 2 without a lambda: `_ = SendReportAsync(_db);`, `_ = SendReportAsync();` whose body uses `_db`.
        private static void AnalyzeDroppedCall(OperationAnalysisContext context, DataAccessModel model)
        {
            if (context.Operation.Kind != OperationKind.Invocation
                || !IsDropped(context.Operation)
                || context.Operation is not IInvocationOperation invocation
                || !IsAwaitable(invocation.Type, model.Types)
                || IsInLongLivedComponent(context.ContainingSymbol, model))
            {
                return;
            }

            var name = invocation.TargetMethod.Name;
            foreach (var argument in invocation.Arguments)
            {
                var value = DataAccessModel.Unwrap(argument.Value);
                if (!model.IsDbContextType(value.Type) || argument.IsImplicit)
                {
                    continue;
                }

                var instance = model.GetContextInstance(value);
                if (instance != null
                    && (instance.Kind is ContextInstanceKind.Injected or ContextInstanceKind.Parameter || IsDisposedHere(instance, invocation)))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.AP1005EscapingDbContext,
                        value.Syntax.GetLocation(),
                        $"Background work started by '{name}'",
                        instance.DisplayName,
                        "await it, or let the work create its own context from IDbContextFactory or a new DI scope"));
                    return;
                }
            }

            // A method of this type that reads an injected context: it keeps running after the request ends.
            var target = invocation.TargetMethod;
            if (target.IsStatic || target.IsAbstract || invocation.Instance is not (null or IInstanceReferenceOperation)
                || !SymbolEqualityComparer.Default.Equals(target.ContainingType, context.ContainingSymbol.ContainingType))
            {
                return;
            }

            var used = FirstInjectedContextUse(target, invocation.SemanticModel!, model);
            if (used != null)
            {
                var location = invocation.Syntax is InvocationExpressionSyntax { Expression: var expression }
                    ? (expression is MemberAccessExpressionSyntax access ? access.Name : expression).GetLocation()
                    : invocation.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1005EscapingDbContext,
                    location,
                    $"Background work started by '{name}'",
                    used.DisplayName,
                    "await it, or let the work create its own context from IDbContextFactory or a new DI scope"));
            }
        }

        // Shape 3: `using (var scope = ...) { db = scope.ServiceProvider.GetRequiredService<ShopContext>(); } db.Orders...`
        // and a query variable assigned inside a `using` block and enumerated after it.
        private static void AnalyzeUseAfterScope(OperationAnalysisContext context, DataAccessModel model)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            if (assignment.Target is not ILocalReferenceOperation target)
            {
                return;
            }

            var found = FindReadAfterScope(assignment, target.Local, model);
            if (found is not var (read, instance, isQuery))
            {
                return;
            }

            // One diagnostic per variable: the first assignment of it that leaves a read behind reports.
            foreach (var earlier in OperationTrees.Descendants(OperationTrees.Root(assignment)))
            {
                if (ReferenceEquals(earlier, assignment))
                {
                    break;
                }

                if (earlier is ISimpleAssignmentOperation { Target: ILocalReferenceOperation other } earlierAssignment
                    && SymbolEqualityComparer.Default.Equals(other.Local, target.Local)
                    && FindReadAfterScope(earlierAssignment, target.Local, model) != null)
                {
                    return;
                }
            }

            var contextName = isQuery ? instance.DisplayName : target.Local.Name;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP1005EscapingDbContext,
                read.Syntax.GetLocation(),
                $"Reading '{target.Local.Name}' after the using block",
                contextName,
                isQuery
                    ? "materialize the query with ToList() inside the block"
                    : "move this code inside the block that owns the scope"));
        }

        /// <summary>
        /// For an assignment of a context or a deferred query to a local declared outside the scope
        /// that disposes the context, the first read of the local after that scope ends.
        /// </summary>
        private static (ILocalReferenceOperation Read, ContextInstance Instance, bool IsQuery)? FindReadAfterScope(
            ISimpleAssignmentOperation assignment, ILocalSymbol local, DataAccessModel model)
        {
            var value = DataAccessModel.Unwrap(assignment.Value);
            if (!MayHoldContextOrQuery(value.Type, model))
            {
                return null;
            }

            ContextInstance? instance;
            ContextDisposal? disposal;
            var isQuery = false;
            if (model.IsDbContextType(value.Type))
            {
                instance = model.GetContextInstance(value);
                disposal = ContextScopes.GetScopeDisposalOfResolution(value) ?? ContextScopes.GetDisposal(instance, assignment.SemanticModel);
            }
            else if (model.IsDeferredEfQuery(value))
            {
                isQuery = true;
                instance = model.GetContextInstance(value);
                disposal = ContextScopes.GetDisposal(instance, assignment.SemanticModel);
            }
            else
            {
                return null;
            }

            if (instance is null || disposal is null
                || !disposal.Region.Span.Contains(assignment.Syntax.Span)
                || local.DeclaringSyntaxReferences.Length != 1
                || disposal.Region.Span.Contains(local.DeclaringSyntaxReferences[0].Span))
            {
                return null;
            }

            var references = OperationTrees.ReferencesTo(local, assignment);
            references.Sort((x, y) => x.Syntax.SpanStart.CompareTo(y.Syntax.SpanStart));
            var read = FirstReadAfter(references, disposal);
            return read is null ? null : (read, instance, isQuery);
        }

        private static ILocalReferenceOperation? FirstReadAfter(List<ILocalReferenceOperation> references, ContextDisposal disposal)
        {
            foreach (var reference in references)
            {
                if (!disposal.IsAfterDisposal(reference.Syntax))
                {
                    continue;
                }

                if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                {
                    // Reassigned after the block before anyone reads it: the stale value is gone.
                    return null;
                }

                return reference;
            }

            return null;
        }

        /// <summary>How a lambda leaves its method: returned, or stored in a field or property. <c>null</c> otherwise.</summary>
        private static string? GetEscape(IAnonymousFunctionOperation lambda)
        {
            IOperation current = lambda;
            while (current.Parent is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            switch (current.Parent)
            {
                case IReturnOperation { Kind: OperationKind.Return } returnOperation:
                    return $"The delegate returned from {DescribeFunction(returnOperation)}";
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment when assignment.Value == current:
                    var member = assignment.Target is IFieldReferenceOperation field ? (ISymbol)field.Field : ((IPropertyReferenceOperation)assignment.Target).Property;
                    return $"The delegate stored in '{member.Name}'";
                default:
                    return null;
            }
        }

        private readonly struct Capture
        {
            public Capture(IOperation reference, ContextInstance instance, bool isRewritable)
            {
                Reference = reference;
                Instance = instance;
                IsRewritable = isRewritable;
            }

            /// <summary>The first reference inside the lambda to a context (or a query over one) from outside it.</summary>
            public IOperation Reference { get; }

            public ContextInstance Instance { get; }

            /// <summary>Whether every capture of this instance in the lambda is a plain reference to the context variable (so a fix can swap it for a new context).</summary>
            public bool IsRewritable { get; }
        }

        /// <summary>The context instances a lambda uses from outside itself, one entry per instance, in source order.</summary>
        private static List<Capture> CapturedContexts(IAnonymousFunctionOperation lambda, DataAccessModel model)
        {
            var span = lambda.Syntax.Span;
            var captures = new List<Capture>();
            foreach (var operation in lambda.Body.Descendants().OrderBy(o => o.Syntax.SpanStart))
            {
                ISymbol? symbol;
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        symbol = local.Local;
                        break;
                    case IParameterReferenceOperation parameter:
                        symbol = parameter.Parameter;
                        break;
                    case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field when model.IsDbContextType(field.Type):
                        symbol = null;
                        break;
                    case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation } property when model.IsDbContextType(property.Type):
                        symbol = null;
                        break;
                    default:
                        continue;
                }

                if (symbol != null && symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == lambda.Syntax.SyntaxTree && span.Contains(r.Span)))
                {
                    continue;
                }

                var instance = model.GetContextInstance(operation);
                if (instance is null)
                {
                    continue;
                }

                var direct = model.IsDbContextType(operation.Type);
                var index = captures.FindIndex(c => c.Instance.Equals(instance));
                if (index < 0)
                {
                    captures.Add(new Capture(operation, instance, direct));
                }
                else if (!direct || !SymbolEqualityComparer.Default.Equals(ReferencedSymbol(operation), ReferencedSymbol(captures[index].Reference)))
                {
                    captures[index] = new Capture(captures[index].Reference, instance, isRewritable: false);
                }
            }

            return captures;
        }

        private static ISymbol? ReferencedSymbol(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

        /// <summary>A context this method disposes: a <c>using</c> local, or resolved from a <c>using</c> scope, still alive at <paramref name="site"/>.</summary>
        private static bool IsDisposedHere(ContextInstance instance, IOperation site)
        {
            var disposal = ContextScopes.GetDisposal(instance, site.SemanticModel);
            return disposal != null && disposal.IsAliveAndDisposedOnReturn(site.Syntax);
        }

        /// <summary>
        /// Hosted services and singletons keep their injected context for their whole life: AP1004
        /// reports that capture; the background work there does not outlive its owner.
        /// </summary>
        /// <summary>The member the driver hands out with the operation (lambdas and local functions
        /// included) is in the same type as any symbol enclosing it: no semantic-model lookup.</summary>
        private static bool IsInLongLivedComponent(ISymbol containingSymbol, DataAccessModel model)
            => containingSymbol.ContainingType.Implements(model.Types.HostedService);

        private static FactoryCandidate? FindFactory(IAnonymousFunctionOperation work, ITypeSymbol contextType, DataAccessModel model)
        {
            var semanticModel = work.SemanticModel;
            if (semanticModel is null)
            {
                return null;
            }

            var position = work.Syntax.SpanStart;
            var candidates = new List<ISymbol>();

            // Parameters of the functions around the work, innermost first, then the method's.
            for (var current = work.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation outerLambda)
                {
                    candidates.AddRange(outerLambda.Symbol.Parameters);
                }
                else if (current is ILocalFunctionOperation localFunction)
                {
                    candidates.AddRange(localFunction.Symbol.Parameters);
                }
            }

            var enclosing = semanticModel.GetEnclosingSymbol(position);
            while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                enclosing = nested.ContainingSymbol;
            }

            if (enclosing is IMethodSymbol method)
            {
                candidates.AddRange(method.Parameters);
            }

            var type = enclosing?.ContainingType;
            if (type != null && enclosing is { IsStatic: false })
            {
                candidates.AddRange(type.GetMembers().Where(m => m is IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol { GetMethod: not null, IsIndexer: false }));

                // Primary-constructor parameters, last: a field initialized from one is preferred
                // (reading both would make the compiler warn, CS9124).
                foreach (var constructor in type.InstanceConstructors)
                {
                    if (constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax))
                    {
                        candidates.AddRange(constructor.Parameters);
                    }
                }
            }

            FactoryCandidate? scopeFactory = null;
            foreach (var candidate in candidates)
            {
                var candidateType = candidate switch
                {
                    IParameterSymbol parameter => parameter.Type,
                    IFieldSymbol field => field.Type,
                    IPropertySymbol property => property.Type,
                    _ => null,
                };

                // The type first: binding the name is the costly part, needed for the few that match.
                if (candidateType is INamedTypeSymbol named && candidateType.IsType(model.Types.DbContextFactory)
                    && SymbolEqualityComparer.Default.Equals(named.TypeArguments[0], contextType)
                    && IsVisibleAs(candidate, semanticModel, position))
                {
                    return new FactoryCandidate(candidate.Name, FactoryKindContext);
                }

                if (scopeFactory is null && candidateType.IsType(model.Types.ServiceScopeFactory) && IsVisibleAs(candidate, semanticModel, position))
                {
                    scopeFactory = new FactoryCandidate(candidate.Name, FactoryKindScope);
                }
            }

            return scopeFactory;
        }

        // What the bare name means at the position, bound as the fix would write it (LookupSymbols
        // would first list every import's names).
        private static bool IsVisibleAs(ISymbol symbol, SemanticModel semanticModel, int position)
        {
            var bound = semanticModel.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(symbol.Name), SpeculativeBindingOption.BindAsExpression);
            return bound.CandidateSymbols.IsEmpty && SymbolEqualityComparer.Default.Equals(bound.Symbol, symbol);
        }

        private readonly struct FactoryCandidate
        {
            public FactoryCandidate(string name, string kind)
            {
                Name = name;
                Kind = kind;
            }

            public string Name { get; }

            public string Kind { get; }
        }

        private static ContextInstance? FirstInjectedContextUse(IMethodSymbol method, SemanticModel semanticModel, DataAccessModel model)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != semanticModel.SyntaxTree
                    || reference.GetSyntax() is not BaseMethodDeclarationSyntax declaration)
                {
                    continue;
                }

                SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
                var operation = body is null ? null : semanticModel.GetOperation(body);
                if (operation is null)
                {
                    continue;
                }

                foreach (var descendant in OperationTrees.DescendantsAndSelf(operation))
                {
                    if (descendant.Kind is OperationKind.FieldReference or OperationKind.PropertyReference && model.IsDbContextType(descendant.Type)
                        && model.GetContextInstance(descendant) is { Kind: ContextInstanceKind.Injected } instance)
                    {
                        return instance;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// A context, or a deferred query: those are typed as a sequence interface
        /// (<c>IQueryable&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>, <c>IAsyncEnumerable&lt;T&gt;</c>) or as a
        /// DbSet. A look at the type spares the walk down the value for most returns and assignments.
        /// </summary>
        private static bool MayHoldContextOrQuery(ITypeSymbol? type, DataAccessModel model)
            => type switch
            {
                ITypeParameterSymbol or INamedTypeSymbol { TypeKind: TypeKind.Interface } => true,

                // Structs, strings, arrays and the like are most of what is returned or assigned.
                INamedTypeSymbol { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } named => model.IsDbContextOrDbSetType(named),
                _ => false,
            };

        // By kind: every call and creation of the compilation asks, and a type test against an
        // interface scans the interfaces of the operation's class.
        private static bool IsDropped(IOperation invocation)
        {
            var parent = invocation.Parent;
            while (parent?.Kind is OperationKind.Conversion or OperationKind.Parenthesized)
            {
                parent = parent.Parent;
            }

            return parent?.Kind switch
            {
                OperationKind.ExpressionStatement => true,
                OperationKind.SimpleAssignment => ((ISimpleAssignmentOperation)parent).Target.Kind == OperationKind.Discard,
                _ => false,
            };
        }

        private static bool IsAwaitable(ITypeSymbol? type, KnownTypes types)
            => type.IsType(types.Task) || type.IsType(types.TaskOfT) || type.IsType(types.ValueTask) || type.IsType(types.ValueTaskOfT);

        private static bool IsInAsyncFunction(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda)
                {
                    return lambda.Symbol.IsAsync;
                }

                if (current is ILocalFunctionOperation localFunction)
                {
                    return localFunction.Symbol.IsAsync;
                }
            }

            return operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) is IMethodSymbol { IsAsync: true };
        }

        private static string DescribeFunction(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation)
                {
                    return "the lambda";
                }

                if (current is ILocalFunctionOperation localFunction)
                {
                    return $"'{localFunction.Symbol.Name}'";
                }
            }

            var symbol = operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart);
            return symbol is IMethodSymbol { MethodKind: MethodKind.PropertyGet } getter && getter.AssociatedSymbol != null
                ? $"'{getter.AssociatedSymbol.Name}'"
                : $"'{symbol?.Name}'";
        }
    }
}
