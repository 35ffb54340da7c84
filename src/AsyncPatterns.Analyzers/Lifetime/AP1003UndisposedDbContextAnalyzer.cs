using System.Collections.Generic;
using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Lifetime
{
    /// <summary>
    /// AP1003: a DbContext the code creates itself (<c>new ShopContext(options)</c>,
    /// <c>factory.CreateDbContext()</c>) is owned by that code, which must dispose it. EF Core
    /// returns the connection to the pool and releases the change tracker only on Dispose
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#the-dbcontext-lifetime).
    /// Silent whenever ownership goes elsewhere (returned, stored, handed to an owner) or the
    /// context is disposed on every path. Creations are rare: the rule acts on calls and object
    /// creations, and only a context creation walks its member's tree, for the local's references.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP1003UndisposedDbContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>"true" when the fix should write <c>await using</c>.</summary>
        public const string UseAwaitKey = "UseAwait";

        /// <summary>"true" when the creation initializes a local declaration the fix can turn into a using declaration.</summary>
        public const string FixableKey = "Fixable";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP1003UndisposedDbContext);

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

                compilationStart.RegisterOperationAction(
                    context =>
                    {
                        if (IsCreation(context.Operation, model))
                        {
                            new CreationState(model, context.ContainingSymbol).AnalyzeCreation(context, context.Operation);
                        }
                    },
                    OperationKind.ObjectCreation,
                    OperationKind.TypeParameterObjectCreation,
                    OperationKind.Invocation);
            });
        }

        private static bool IsCreation(IOperation operation, DataAccessModel model)
        {
            switch (operation)
            {
                case IObjectCreationOperation or ITypeParameterObjectCreationOperation:
                    return model.IsDbContextType(operation.Type);
                case IInvocationOperation invocation:
                    var name = invocation.TargetMethod.Name;
                    return (name == "CreateDbContext" || name == "CreateDbContextAsync")
                           && model.Classify(invocation)?.Kind == DataAccessKind.ContextCreation;
                default:
                    return false;
            }
        }

        /// <summary>One creation of a context, read against the rest of its member's operation tree.</summary>
        private sealed class CreationState
        {
            private readonly DataAccessModel _model;
            private readonly ISymbol _owningSymbol;

            // Local functions turned into delegates (`Func<int> f = Count;`): what they capture may
            // outlive the method. Gathered on first need.
            private HashSet<IMethodSymbol>? _delegatedLocalFunctions;

            public CreationState(DataAccessModel model, ISymbol owningSymbol)
            {
                _model = model;
                _owningSymbol = owningSymbol;
            }

            public void AnalyzeCreation(OperationAnalysisContext context, IOperation creation)
            {
                var start = creation;
                if (creation is IInvocationOperation { TargetMethod.Name: "CreateDbContextAsync" })
                {
                    // The context exists once the task is awaited; a task that is stored or returned is the caller's.
                    start = SkipConfigureAwait(creation);
                    if (start.Parent is not IAwaitOperation)
                    {
                        return;
                    }
                }

                var root = DisposableOwnership.ValueFlowRoot(start);
                switch (root.Parent)
                {
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        if (IsUsingDeclaration(declarator))
                        {
                            return;
                        }

                        AnalyzeLocal(context, creation, declarator.Symbol, declarator);
                        return;

                    case ISimpleAssignmentOperation assignment
                        when ReferenceEquals(assignment.Value, root)
                             && DataAccessModel.Unwrap(assignment.Target) is ILocalReferenceOperation target:
                        if (assignment.Parent is IUsingOperation)
                        {
                            return;
                        }

                        AnalyzeLocal(context, creation, target.Local, declarator: null);
                        return;
                }

                // Created and used in place: `new ShopContext(o).Orders.ToList()`.
                var use = DisposableOwnership.Classify(root, _model.Types, _model.HoldsDbContext);
                if (use == OwnershipUse.Use && IsInlineUse(root) && !EscapesInDeferredSequence(root))
                {
                    Report(context, creation, creation.Type?.Name ?? "DbContext", fixable: false);
                }
            }

            private static bool IsInlineUse(IOperation root)
            {
                switch (root.Parent)
                {
                    case IExpressionStatementOperation:
                    case IArgumentOperation:
                    case IConditionalAccessOperation:
                    case ISimpleAssignmentOperation:
                    case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, root):
                    case IMemberReferenceOperation member when ReferenceEquals(member.Instance, root):
                        return true;
                    default:
                        return false;
                }
            }

            private void AnalyzeLocal(OperationAnalysisContext context, IOperation creation, ILocalSymbol local, IVariableDeclaratorOperation? declarator)
            {
                if (!_model.IsDbContextType(local.Type) || local.IsRef)
                {
                    return;
                }

                var references = OperationTrees.ReferencesTo(local, creation);

                var creationFunction = OperationTrees.EnclosingFunction(creation);
                var written = declarator is null;
                var disposeSites = new List<SyntaxNode>();
                foreach (var reference in references)
                {
                    if (IsWriteTarget(reference))
                    {
                        written = true;
                        continue;
                    }

                    var function = OperationTrees.EnclosingFunction(reference);
                    if (!ReferenceEquals(function, creationFunction)
                        && (!IsBorrowingCapture(reference, creationFunction) || InDelegatedLocalFunction(reference, creationFunction)))
                    {
                        // Captured by a lambda that may outlive the method (a handler, a callback, Task.Run).
                        return;
                    }

                    var value = DisposableOwnership.ValueFlowRoot(reference);
                    if (value.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation aliasDeclarator }
                        && IsUsingDeclaration(aliasDeclarator))
                    {
                        // using var owner = db;
                        return;
                    }

                    if (EscapesInDeferredSequence(ReferenceEquals(function, creationFunction) ? value : OutermostLambda(reference, creationFunction)))
                    {
                        // return db.Orders.Where(...): the caller enumerates it after this method returns.
                        return;
                    }

                    switch (DisposableOwnership.Classify(value, _model.Types, _model.HoldsDbContext))
                    {
                        case OwnershipUse.Escape:
                        case OwnershipUse.UsingResource:
                            return;
                        case OwnershipUse.Dispose:
                            if (!ReferenceEquals(function, creationFunction) || IsInFinally(value, creationFunction))
                            {
                                return;
                            }

                            disposeSites.Add(DisposeSite(value, local));
                            break;
                    }
                }

                if (disposeSites.Count > 0 && !LeaksOnSomePath(context, creation, disposeSites))
                {
                    return;
                }

                Report(context, creation, local.Name, fixable: !written && declarator != null && IsFixableDeclaration(declarator));
            }

            private void Report(OperationAnalysisContext context, IOperation creation, string name, bool fixable)
            {
                var useAwait = IsAsyncContext(creation);
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(UseAwaitKey, useAwait ? "true" : "false")
                    .Add(FixableKey, fixable ? "true" : "false");
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1003UndisposedDbContext,
                    creation.Syntax.GetLocation(),
                    properties,
                    name,
                    useAwait ? "await using" : "using"));
            }

            private bool IsAsyncContext(IOperation creation)
            {
                switch (OperationTrees.EnclosingFunction(creation))
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol.IsAsync;
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol.IsAsync;
                    default:
                        if (_owningSymbol is IMethodSymbol method)
                        {
                            // Top-level statements: the synthesized entry point is async when the statements await.
                            return method.IsAsync || (method.IsImplicitlyDeclared && ContainsAwait(creation));
                        }

                        return false;
                }
            }

            private static bool ContainsAwait(IOperation operation)
            {
                foreach (var descendant in OperationTrees.Descendants(OperationTrees.Root(operation)))
                {
                    if (descendant.Kind == OperationKind.Await && OperationTrees.EnclosingFunction(descendant) is null)
                    {
                        return true;
                    }
                }

                return false;
            }

            private static IOperation SkipConfigureAwait(IOperation operation)
            {
                var current = operation;
                while (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure
                       && ReferenceEquals(configure.Instance, current))
                {
                    current = configure;
                }

                return current;
            }

            private static bool IsUsingDeclaration(IVariableDeclaratorOperation declarator)
                => declarator.Parent is IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group }
                   && (group.Parent is IUsingDeclarationOperation || group.Parent is IUsingOperation);

            /// <summary>
            /// A query or lazy sequence built on the context that leaves the method unevaluated:
            /// returned, stored, handed on. A query kept in a local of the method is followed no
            /// further (it is usually executed there).
            /// </summary>
            private bool EscapesInDeferredSequence(IOperation? start)
            {
                if (start is null)
                {
                    return false;
                }

                var top = DisposableOwnership.ReceiverChainTop(start);
                if (ReferenceEquals(top, start) || !DisposableOwnership.IsDeferredSequence(top, _model))
                {
                    return false;
                }

                var root = DisposableOwnership.ValueFlowRoot(top);
                return root.Parent is not IVariableInitializerOperation
                       && DisposableOwnership.Classify(root, _model.Types, _model.HoldsDbContext) == OwnershipUse.Escape;
            }

            private bool InDelegatedLocalFunction(IOperation reference, IOperation? function)
            {
                for (var current = reference.Parent; current != null && !ReferenceEquals(current, function); current = current.Parent)
                {
                    if (current is ILocalFunctionOperation localFunction
                        && DelegatedLocalFunctions(reference).Contains(localFunction.Symbol.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            private HashSet<IMethodSymbol> DelegatedLocalFunctions(IOperation anywhere)
            {
                if (_delegatedLocalFunctions is null)
                {
                    _delegatedLocalFunctions = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                    foreach (var operation in OperationTrees.Descendants(OperationTrees.Root(anywhere)))
                    {
                        if (operation is IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference)
                        {
                            _delegatedLocalFunctions.Add(reference.Method.OriginalDefinition);
                        }
                    }
                }

                return _delegatedLocalFunctions;
            }

            private static IOperation? OutermostLambda(IOperation reference, IOperation? function)
            {
                IOperation? outermost = null;
                for (var current = reference.Parent; current != null && !ReferenceEquals(current, function); current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation)
                    {
                        outermost = current;
                    }
                }

                return outermost;
            }

            private static bool IsWriteTarget(ILocalReferenceOperation reference)
                => reference.Parent switch
                {
                    ISimpleAssignmentOperation assignment => ReferenceEquals(assignment.Target, reference),
                    ICompoundAssignmentOperation compound => ReferenceEquals(compound.Target, reference),
                    ICoalesceAssignmentOperation coalesce => ReferenceEquals(coalesce.Target, reference),
                    _ => false,
                };

            /// <summary>
            /// A reference inside a lambda that only borrows the context while the method runs: a
            /// LINQ or EF query operator's argument (<c>db.Orders.Where(o => db.Customers.Any(...))</c>),
            /// or a local function (called from the method, not handed out: we do not follow it further).
            /// </summary>
            private static bool IsBorrowingCapture(IOperation reference, IOperation? creationFunction)
            {
                for (var current = reference.Parent; current != null && !ReferenceEquals(current, creationFunction); current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation lambda)
                    {
                        var owner = lambda.Parent is IDelegateCreationOperation delegateCreation ? delegateCreation.Parent : lambda.Parent;
                        if (owner is not IArgumentOperation { Parent: IInvocationOperation invocation }
                            || invocation.TargetMethod.ContainingNamespace?.ToDisplayString() is not ("System.Linq" or "Microsoft.EntityFrameworkCore"))
                        {
                            return false;
                        }
                    }
                }

                return true;
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

            /// <summary>
            /// The syntax that disposes: the statement calling Dispose, widened to an enclosing
            /// <c>if (db != null)</c> so that the null check does not look like a path that skips it.
            /// </summary>
            private static SyntaxNode DisposeSite(IOperation value, ILocalSymbol local)
            {
                var site = value.Parent!.Syntax;
                for (var current = value.Parent; current != null; current = current.Parent)
                {
                    if (current is IExpressionStatementOperation statement)
                    {
                        site = statement.Syntax;
                        var container = statement.Parent is IBlockOperation { Operations.Length: 1 } block ? block.Parent : statement.Parent;
                        if (container is IConditionalOperation { WhenFalse: null } conditional
                            && conditional.Type is null
                            && MentionsLocal(conditional.Condition, local))
                        {
                            site = conditional.Syntax;
                        }

                        break;
                    }

                    if (current is IBlockOperation or IAnonymousFunctionOperation)
                    {
                        break;
                    }
                }

                return site;
            }

            private static bool MentionsLocal(IOperation condition, ILocalSymbol local)
            {
                foreach (var operation in OperationTrees.DescendantsAndSelf(condition))
                {
                    if (operation.Kind == OperationKind.LocalReference
                        && operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary><c>var db = ...;</c> alone in its statement, directly in a block or in top-level statements.</summary>
            private static bool IsFixableDeclaration(IVariableDeclaratorOperation declarator)
                => declarator.Syntax is VariableDeclaratorSyntax
                   {
                       Parent: VariableDeclarationSyntax
                       {
                           Variables.Count: 1,
                           Parent: LocalDeclarationStatementSyntax
                           {
                               UsingKeyword.RawKind: (int)SyntaxKind.None,
                               Parent: BlockSyntax or GlobalStatementSyntax,
                           } statement,
                       },
                   }
                   && !statement.Modifiers.Any(SyntaxKind.ConstKeyword);

            /// <summary>
            /// Whether some path from the creation leaves the function (return, throw, falling off
            /// the end) without passing a dispose site, according to the control-flow graph. Only
            /// consulted when the method disposes the context somewhere outside a finally block.
            /// Exceptions thrown by calls are not paths here (the finally/using shapes cover those).
            /// </summary>
            private static bool LeaksOnSomePath(OperationAnalysisContext context, IOperation creation, List<SyntaxNode> disposeSites)
            {
                // An explicit throw leaks the context as surely as a return does.
                var graph = ControlFlowPaths.GetGraph(context, creation);
                return graph != null
                       && ControlFlowPaths.ReachesExitWithout(graph, creation.Syntax, operation => IsDisposeSite(operation, disposeSites), throwEndsPath: true) == true;
            }

            private static bool IsDisposeSite(IOperation operation, List<SyntaxNode> disposeSites)
            {
                var syntax = operation.Syntax;
                foreach (var site in disposeSites)
                {
                    if (site.SyntaxTree == syntax.SyntaxTree && site.Span.Contains(syntax.Span))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}
