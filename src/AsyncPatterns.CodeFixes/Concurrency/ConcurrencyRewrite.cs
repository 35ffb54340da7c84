using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Concurrency
{
    /// <summary>
    /// One AP2001/AP2002 rewrite in progress: sequential awaits in place of concurrent tasks, or a
    /// fresh context per operation from a factory. A failed step leaves the editor half-done; the
    /// caller then discards the whole rewrite.
    /// </summary>
    internal sealed class Rewrite
    {
        private readonly Document _document;
        private readonly SemanticModel _semanticModel;
        private readonly DataAccessModel _model;
        private readonly string? _factory;
        private readonly CancellationToken _cancellationToken;
        private readonly SyntaxEditor _editor;
        private readonly HashSet<string> _usedNames = new HashSet<string>();
        private readonly string _newLine;

        public Rewrite(Document document, SyntaxNode root, SemanticModel semanticModel, DataAccessModel model, string? factory, CancellationToken cancellationToken)
        {
            _document = document;
            _semanticModel = semanticModel;
            _model = model;
            _factory = factory;
            _cancellationToken = cancellationToken;
            _editor = new SyntaxEditor(root, document.Project.Solution.Services);
            _newLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToFullString() is { Length: > 0 } eol ? eol : "\n";
        }

        public Document Result() => _document.WithSyntaxRoot(_editor.GetChangedRoot());

        // ------------------------------------------------------------------ sequential

        /// <summary><c>await Task.WhenAll(x, y);</c> becomes <c>await x; await y;</c>; task locals it combines are awaited where they are declared.</summary>
        public bool SequentialWhenAll(IInvocationOperation whenAll)
        {
            if (whenAll.TargetMethod.Name != "WhenAll"
                || whenAll.Syntax is not InvocationExpressionSyntax syntax
                || syntax.Parent is not AwaitExpressionSyntax awaitExpression
                || ListedTasks(syntax) is not { } elements)
            {
                return false;
            }

            var values = new List<ExpressionSyntax>();
            foreach (var element in elements)
            {
                if (TaskLocal(element) is { } local)
                {
                    if (!TryMaterialize(local, syntax))
                    {
                        return false;
                    }

                    values.Add(SyntaxFactory.IdentifierName(local.Name));
                }
                else
                {
                    values.Add(SyntaxFactory.AwaitExpression(element.WithoutTrivia()));
                }
            }

            switch (awaitExpression.Parent)
            {
                case ExpressionStatementSyntax statement:
                    var awaits = values.OfType<AwaitExpressionSyntax>()
                        .Select(a => (StatementSyntax)SyntaxFactory.ExpressionStatement(a).WithAdditionalAnnotations(Formatter.Annotation))
                        .ToList();
                    ReplaceStatement(statement, awaits);
                    return true;

                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax } when whenAll.TargetMethod.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } resultType
                                                                                   && resultType.TypeArguments[0] is IArrayTypeSymbol arrayType:
                    var array = SyntaxFactory.ArrayCreationExpression(
                            SyntaxFactory.ArrayType(
                                SyntaxFactory.ParseTypeName(arrayType.ElementType.ToMinimalDisplayString(_semanticModel, syntax.SpanStart)),
                                SyntaxFactory.SingletonList(SyntaxFactory.ArrayRankSpecifier(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(SyntaxFactory.OmittedArraySizeExpression())))),
                            SyntaxFactory.InitializerExpression(SyntaxKind.ArrayInitializerExpression, SyntaxFactory.SeparatedList(values)))
                        .WithTriviaFrom(awaitExpression)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    _editor.ReplaceNode(awaitExpression, array);
                    return true;

                default:
                    return false;
            }
        }

        /// <summary>The pending task is awaited where it is declared, so it has finished before the next operation starts.</summary>
        public bool SequentialPending(IInvocationOperation second)
            => FindPendingLocal(second) is { } local && TryMaterialize(local, null);

        /// <summary>
        /// <c>var t = db.Orders.ToListAsync();</c> becomes <c>var t = await db.Orders.ToListAsync();</c>
        /// and its uses (<c>await t</c>, <c>t.Result</c>, an argument of a WhenAll statement) read the value.
        /// Any other use (passing the task on, ContinueWith...) makes the rewrite fail.
        /// </summary>
        public bool TryMaterialize(ILocalSymbol local, SyntaxNode? handledWhenAll)
        {
            if (local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } value } declarator
                || declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration
                || declaration.Parent is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false }
                || ContextScopes.GetEnclosingFunction(declarator) is not { } function)
            {
                return false;
            }

            _editor.ReplaceNode(value, SyntaxFactory.AwaitExpression(value.WithoutTrivia()).WithTriviaFrom(value));
            if (!declaration.Type.IsVar)
            {
                _editor.ReplaceNode(declaration.Type, SyntaxFactory.IdentifierName("var").WithTriviaFrom(declaration.Type));
            }

            var removedArguments = new Dictionary<InvocationExpressionSyntax, int>();
            foreach (var reference in function.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (reference.Identifier.ValueText != local.Name
                    || !SymbolEqualityComparer.Default.Equals(_semanticModel.GetSymbolInfo(reference, _cancellationToken).Symbol, local)
                    || (handledWhenAll != null && handledWhenAll.Span.Contains(reference.Span)))
                {
                    continue;
                }

                var value2 = SyntaxFactory.IdentifierName(local.Name);
                ExpressionSyntax target = reference;
                if (target.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure
                    && configure.Expression == target && configure.Parent is InvocationExpressionSyntax configured)
                {
                    target = configured;
                }

                switch (target.Parent)
                {
                    case AwaitExpressionSyntax { Parent: ExpressionStatementSyntax statement }:
                        _editor.RemoveNode(statement);
                        break;
                    case AwaitExpressionSyntax { Parent: ParenthesizedExpressionSyntax parenthesized }:
                        _editor.ReplaceNode(parenthesized, value2.WithTriviaFrom(parenthesized));
                        break;
                    case AwaitExpressionSyntax awaitExpression:
                        _editor.ReplaceNode(awaitExpression, value2.WithTriviaFrom(awaitExpression));
                        break;
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result when result.Expression == reference:
                        _editor.ReplaceNode(result, value2.WithTriviaFrom(result));
                        break;
                    case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Parent: AwaitExpressionSyntax { Parent: ExpressionStatementSyntax } } whenAll } } argument
                        when IsWhenAll(whenAll):
                        _editor.RemoveNode(argument);
                        removedArguments[whenAll] = removedArguments.TryGetValue(whenAll, out var count) ? count + 1 : 1;
                        break;
                    default:
                        return false;
                }
            }

            foreach (var pair in removedArguments)
            {
                if (pair.Value == pair.Key.ArgumentList.Arguments.Count)
                {
                    _editor.RemoveNode(pair.Key.Parent!.Parent!);
                }
            }

            return true;
        }

        // ------------------------------------------------------------------ one context per operation

        /// <summary>Every task of the shared context gets a local async function with its own context.</summary>
        public bool PerOperationWhenAll(IInvocationOperation whenAll)
        {
            var group = ConcurrentOperations.GetCombinedTasks(_model, whenAll)
                .Where(t => t.Context != null)
                .GroupBy(t => t.Context!)
                .FirstOrDefault(g => g.Count() >= 2);
            if (group is null || whenAll.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax } statement)
            {
                return false;
            }

            foreach (var task in group)
            {
                if (task.Local != null)
                {
                    if (!MoveLocalToOwnContext(task.Local, group.Key))
                    {
                        return false;
                    }
                }
                else if (task.Element.Syntax is not ExpressionSyntax element
                         || !MoveToOwnContext(element, statement, group.Key, task.Element))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The pending task's operation gets its own context; the second operation keeps the original one.</summary>
        public bool PerOperationPending(IInvocationOperation second)
            => FindPendingLocal(second) is { } local
               && _model.Classify(second)?.Context is { } context
               && MoveLocalToOwnContext(local, context);

        /// <summary>A Select or Parallel body creates its own context at its start and uses it instead of the outer one.</summary>
        public bool PerOperationLambda(IInvocationOperation invocation, bool select)
        {
            IAnonymousFunctionOperation? lambda = null;
            foreach (var argument in invocation.Arguments)
            {
                lambda = select
                    ? ConcurrentOperations.GetSelectLambda(_model, argument.Value)
                    : DataAccessModel.Unwrap(argument.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation target } ? target : null;
                if (lambda != null && ConcurrentOperations.GetOuterContextOperations(_model, lambda).Length > 0)
                {
                    break;
                }
            }

            var shared = lambda is null ? default : ConcurrentOperations.GetOuterContextOperations(_model, lambda);
            if (lambda is null || shared.IsDefaultOrEmpty || shared[0].Context is not { } context
                || shared.Any(o => !context.Equals(o.Context))
                || lambda.Syntax is not AnonymousFunctionExpressionSyntax syntax
                || syntax.Modifiers.Any(SyntaxKind.StaticKeyword)
                || _factory is null)
            {
                return false;
            }

            var body = (SyntaxNode?)syntax.Block ?? syntax.ExpressionBody;
            if (body is null)
            {
                return false;
            }

            var references = FindContextReferences(body, context);
            if (references.Count == 0)
            {
                return false;
            }

            var symbol = lambda.Symbol;
            var returnsTask = AsyncContext.IsTaskLike(symbol.ReturnType, _model.Types);
            var makeAsync = !symbol.IsAsync && returnsTask;
            if (makeAsync && syntax.Block != null)
            {
                return false;
            }

            var isAsync = symbol.IsAsync || makeAsync;
            var dbName = UniqueName("db", syntax, numbered: true);
            var token = isAsync ? CancellationTokens.FindTokenInScope(shared[0].Invocation, _model.Types)?.Name : null;
            var creation = isAsync
                ? $"await using var {dbName} = await {_factory}.CreateDbContextAsync({token});"
                : $"using var {dbName} = {_factory}.CreateDbContext();";
            var usingStatement = SyntaxFactory.ParseStatement(creation)
                .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                .WithTrailingTrivia(SyntaxFactory.ElasticMarker)
                .WithAdditionalAnnotations(Formatter.Annotation);

            var newBody = body.ReplaceNodes(references, (original, _) => SyntaxFactory.IdentifierName(dbName).WithTriviaFrom(original));
            BlockSyntax block;
            if (newBody is BlockSyntax existing)
            {
                var first = existing.Statements.FirstOrDefault();
                usingStatement = first is null
                    ? usingStatement
                    : usingStatement.WithLeadingTrivia(first.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.EndOfLine(_newLine));
                block = existing.WithStatements(existing.Statements.Insert(0, usingStatement));
            }
            else
            {
                var expression = ((ExpressionSyntax)newBody).WithoutTrivia();
                var resultType = symbol.ReturnType as INamedTypeSymbol;
                var returnsValue = makeAsync
                    ? resultType is { TypeArguments.Length: 1 }
                    : symbol.IsAsync ? resultType is { TypeArguments.Length: 1 } : !symbol.ReturnsVoid;
                if (makeAsync)
                {
                    expression = SyntaxFactory.AwaitExpression(expression.WithLeadingTrivia(SyntaxFactory.Space));
                }

                var indent = string.Concat((syntax.FirstAncestorOrSelf<StatementSyntax>()?.GetLeadingTrivia() ?? default)
                    .Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Select(t => t.ToString()));
                var lastText = (returnsValue ? "return " : "") + expression.ToFullString() + ";";
                var nl = _newLine;
                if (SyntaxFactory.ParseStatement($"{{{nl}{indent}    {creation}{nl}{indent}    {lastText}{nl}{indent}}}") is not BlockSyntax parsed || parsed.ContainsDiagnostics)
                {
                    return false;
                }

                if (syntax is not LambdaExpressionSyntax expressionLambda)
                {
                    return false;
                }

                block = parsed.WithLeadingTrivia(SyntaxFactory.Whitespace(indent));
                var multiLine = expressionLambda.WithExpressionBody(null).WithBlock(block)
                    .WithArrowToken(expressionLambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.EndOfLine(nl)));
                if (makeAsync)
                {
                    multiLine = (LambdaExpressionSyntax)multiLine.WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
                }

                _editor.ReplaceNode(syntax, multiLine.WithTriviaFrom(syntax));
                return true;
            }

            block = block.WithAdditionalAnnotations(Formatter.Annotation);
            var rewritten = syntax.WithExpressionBody(null).WithBlock(block);
            if (makeAsync)
            {
                rewritten = rewritten.WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            }

            _editor.ReplaceNode(syntax, rewritten.WithTriviaFrom(syntax).WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        private bool MoveLocalToOwnContext(ILocalSymbol local, ContextInstance context)
            => local.DeclaringSyntaxReferences.Length == 1
               && local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } value } declarator
               && declarator.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax } statement
               && _semanticModel.GetOperation(value, _cancellationToken) is { } operation
               && MoveToOwnContext(value, statement, context, operation);

        /// <summary>
        /// Replaces <paramref name="task"/> with a call to a new local async function, declared
        /// before <paramref name="statement"/>, that creates its own context, runs the operation on
        /// it and returns its result.
        /// </summary>
        public bool MoveToOwnContext(ExpressionSyntax task, StatementSyntax statement, ContextInstance context, IOperation operation)
        {
            if (BuildOwnContextFunction(task, statement, context, operation) is not { } built)
            {
                return false;
            }

            _editor.InsertBefore(statement, built.Function);
            _editor.ReplaceNode(task, built.Call.WithTriviaFrom(task));
            return true;
        }

        /// <summary>
        /// A local async function, to declare before <paramref name="statement"/>, that creates its own
        /// context, runs <paramref name="task"/>'s operation on it and returns its result; and a call to it.
        /// </summary>
        private (LocalFunctionStatementSyntax Function, InvocationExpressionSyntax Call)? BuildOwnContextFunction(
            ExpressionSyntax task, StatementSyntax statement, ContextInstance context, IOperation operation, string? resultName = null)
        {
            if (_factory is null
                || _semanticModel.GetTypeInfo(task, _cancellationToken).Type is not INamedTypeSymbol taskType
                || !AsyncContext.IsTaskLike(taskType, _model.Types))
            {
                return null;
            }

            var references = FindContextReferences(task, context);
            if (references.Count == 0)
            {
                return null;
            }

            var resultType = taskType.TypeArguments.Length == 1 ? taskType.TypeArguments[0].ToMinimalDisplayString(_semanticModel, task.SpanStart) : null;
            var dbName = UniqueName("db", statement, numbered: true);
            var stem = resultName is { Length: > 0 } ? char.ToUpperInvariant(resultName[0]) + resultName.Substring(1) : SetName(task);
            var functionName = UniqueName("Load" + stem + "Async", statement, numbered: false);
            var token = CancellationTokens.FindTokenInScope(operation, _model.Types)?.Name;
            var body = task.ReplaceNodes(references, (original, _) => SyntaxFactory.IdentifierName(dbName).WithTriviaFrom(original)).WithoutTrivia();
            var nl = _newLine;
            var text = $"async System.Threading.Tasks.Task{(resultType is null ? "" : "<" + resultType + ">")} {functionName}(){nl}{{{nl}" +
                       $"await using var {dbName} = await {_factory}.CreateDbContextAsync({token});{nl}" +
                       $"{(resultType is null ? "" : "return ")}await {body.ToFullString()};{nl}}}{nl}";
            if (SyntaxFactory.ParseStatement(text) is not LocalFunctionStatementSyntax function || function.ContainsDiagnostics)
            {
                return null;
            }

            function = function
                .WithLeadingTrivia(Indentation(statement))
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return (function, SyntaxFactory.InvocationExpression(SyntaxFactory.IdentifierName(functionName)));
        }

        /// <summary>
        /// AP2002: the run's queries start together — each on its own context from the factory, or on
        /// the separate contexts they already use — then <c>await Task.WhenAll</c>, then each result is
        /// read into its original variable.
        /// </summary>
        public bool Parallelize(IReadOnlyList<AwaitedQuery> run)
        {
            if (run.Count < 2 || run[0].Statement.Syntax is not StatementSyntax { Parent: BlockSyntax } first)
            {
                return false;
            }

            var distinct = run.Select(q => q.Context).Distinct().Count() == run.Count;
            if (!distinct && _factory is null)
            {
                return false;
            }

            var inserted = new List<StatementSyntax>();
            var starts = new List<StatementSyntax>();
            var taskNames = new List<string>();
            foreach (var query in run)
            {
                if (query.Statement.Syntax is not StatementSyntax statement
                    || query.Await.Syntax is not AwaitExpressionSyntax { Expression: { } task })
                {
                    return false;
                }

                ExpressionSyntax start;
                if (distinct)
                {
                    var type = _semanticModel.GetTypeInfo(task, _cancellationToken).Type;
                    start = type.IsType(_model.Types.ValueTask) || type.IsType(_model.Types.ValueTaskOfT)
                        ? SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task.WithoutTrivia(), SyntaxFactory.IdentifierName("AsTask")))
                        : task.WithoutTrivia();
                }
                else if (BuildOwnContextFunction(task, first, query.Context, query.Query.Invocation, query.Target.Name) is { } built)
                {
                    inserted.Add(built.Function);
                    start = built.Call;
                }
                else
                {
                    return false;
                }

                var taskName = UniqueName(query.Target.Name + "Task", first, numbered: false);
                taskNames.Add(taskName);
                starts.Add(Statement($"var {taskName} = {start.ToFullString()};", first));
                _editor.ReplaceNode(task, SyntaxFactory.IdentifierName(taskName).WithTriviaFrom(task));
            }

            inserted.AddRange(starts);
            inserted.Add(Statement($"await System.Threading.Tasks.Task.WhenAll({string.Join(", ", taskNames)});", first)
                .WithAdditionalAnnotations(Simplifier.Annotation));
            _editor.InsertBefore(first, inserted);
            return true;
        }

        private StatementSyntax Statement(string text, StatementSyntax indentFrom)
            => SyntaxFactory.ParseStatement(text)
                .WithLeadingTrivia(Indentation(indentFrom))
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(_newLine))
                .WithAdditionalAnnotations(Formatter.Annotation);

        private static IEnumerable<SyntaxTrivia> Indentation(StatementSyntax statement)
            => statement.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();

        // ------------------------------------------------------------------ helpers

        /// <summary>The pending task local a diagnostic on <paramref name="second"/> is about (the nearest one before it, still unused).</summary>
        private ILocalSymbol? FindPendingLocal(IInvocationOperation second)
        {
            if (_model.Classify(second)?.Context is not { } context)
            {
                return null;
            }

            var root = ConcurrentOperations.GetFunctionRoot(second);
            ILocalSymbol? best = null;
            var bestPosition = -1;
            foreach (var declarator in root.Descendants().OfType<IVariableDeclaratorOperation>())
            {
                var end = declarator.Syntax.Span.End;
                if (end >= second.Syntax.SpanStart || end <= bestPosition
                    || declarator.Initializer?.Value is not { } value
                    || DataAccessModel.Unwrap(value) is not IInvocationOperation invocation
                    || _model.Classify(invocation) is not { DoesIO: true, IsAsync: true, Context: { } pendingContext }
                    || !context.Equals(pendingContext)
                    || ConcurrentOperations.FirstUseAfter(root, declarator.Symbol, end) <= second.Syntax.SpanStart)
                {
                    continue;
                }

                best = declarator.Symbol;
                bestPosition = end;
            }

            return best;
        }

        private List<SyntaxNode> FindContextReferences(SyntaxNode scope, ContextInstance context)
        {
            var found = new List<SyntaxNode>();
            foreach (var node in scope.DescendantNodesAndSelf(n => !found.Any(f => f.Span.Contains(n.Span))))
            {
                if (node is not ExpressionSyntax || found.Any(f => f.Span.Contains(node.Span)))
                {
                    continue;
                }

                var operation = _semanticModel.GetOperation(node, _cancellationToken);
                if (operation is IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation or ILocalReferenceOperation or IInstanceReferenceOperation
                    && _model.IsDbContextType(operation.Type)
                    && context.Equals(_model.GetContextInstance(operation)))
                {
                    if (operation is IInstanceReferenceOperation { IsImplicit: true })
                    {
                        return new List<SyntaxNode>();
                    }

                    found.Add(node);
                }
            }

            return found;
        }

        private string SetName(ExpressionSyntax task)
        {
            foreach (var node in task.DescendantNodesAndSelf())
            {
                if (node is MemberAccessExpressionSyntax access
                    && _semanticModel.GetSymbolInfo(access, _cancellationToken).Symbol is IPropertySymbol property
                    && _model.IsDbSetType(property.Type))
                {
                    return property.Name;
                }
            }

            return _semanticModel.GetSymbolInfo(task, _cancellationToken).Symbol is IMethodSymbol method && method.Name.EndsWith("Async", System.StringComparison.Ordinal)
                ? method.Name.Substring(0, method.Name.Length - 5)
                : "Result";
        }

        private string UniqueName(string stem, SyntaxNode at, bool numbered)
        {
            var member = at.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? at;
            var taken = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            taken.UnionWith(_semanticModel.LookupSymbols(at.SpanStart).Select(s => s.Name));
            for (var i = numbered ? 1 : 0; ; i++)
            {
                var candidate = i == 0 ? stem : stem + i;
                if (!taken.Contains(candidate) && _usedNames.Add(candidate))
                {
                    return candidate;
                }
            }
        }

        private static bool IsWhenAll(InvocationExpressionSyntax invocation)
            => invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WhenAll" };

        /// <summary>The tasks of <c>WhenAll(a, b)</c>, <c>WhenAll(new[] { a, b })</c> or <c>WhenAll([a, b])</c>; <c>null</c> for anything else.</summary>
        private List<ExpressionSyntax>? ListedTasks(InvocationExpressionSyntax whenAll)
        {
            var arguments = whenAll.ArgumentList.Arguments;
            IEnumerable<ExpressionSyntax> elements;
            if (arguments.Count == 1 && arguments[0].Expression is ArrayCreationExpressionSyntax { Initializer: { } initializer })
            {
                elements = initializer.Expressions;
            }
            else if (arguments.Count == 1 && arguments[0].Expression is ImplicitArrayCreationExpressionSyntax implicitArray)
            {
                elements = implicitArray.Initializer.Expressions;
            }
            else if (arguments.Count == 1 && arguments[0].Expression is CollectionExpressionSyntax collection)
            {
                if (collection.Elements.Any(e => e is not ExpressionElementSyntax))
                {
                    return null;
                }

                elements = collection.Elements.Cast<ExpressionElementSyntax>().Select(e => e.Expression);
            }
            else
            {
                elements = arguments.Select(a => a.Expression);
            }

            var list = elements.ToList();
            return list.Count > 0 && list.All(e => AsyncContext.IsTaskLike(_semanticModel.GetTypeInfo(e, _cancellationToken).Type, _model.Types)) ? list : null;
        }

        private ILocalSymbol? TaskLocal(ExpressionSyntax element)
        {
            while (element is ParenthesizedExpressionSyntax parenthesized)
            {
                element = parenthesized.Expression;
            }

            return element is IdentifierNameSyntax && _semanticModel.GetSymbolInfo(element, _cancellationToken).Symbol is ILocalSymbol local ? local : null;
        }

        private void ReplaceStatement(StatementSyntax statement, List<StatementSyntax> replacements)
        {
            if (replacements.Count == 0)
            {
                _editor.RemoveNode(statement);
                return;
            }

            replacements[0] = replacements[0].WithLeadingTrivia(statement.GetLeadingTrivia());
            replacements[replacements.Count - 1] = replacements[replacements.Count - 1].WithTrailingTrivia(statement.GetTrailingTrivia());
            for (var i = 0; i < replacements.Count - 1; i++)
            {
                if (i > 0)
                {
                    replacements[i] = replacements[i].WithLeadingTrivia(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
                }

                replacements[i] = replacements[i].WithTrailingTrivia(SyntaxFactory.EndOfLine(_newLine));
            }

            if (replacements.Count > 1)
            {
                replacements[replacements.Count - 1] = replacements[replacements.Count - 1].WithLeadingTrivia(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
            }

            _editor.InsertBefore(statement, replacements.Take(replacements.Count - 1));
            _editor.ReplaceNode(statement, replacements[replacements.Count - 1]);
        }
    }
}
