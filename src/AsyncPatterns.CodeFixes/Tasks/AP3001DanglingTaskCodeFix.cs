using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tasks;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Tasks
{
    /// <summary>
    /// AP3001: await the dangling task.
    /// <list type="bullet">
    /// <item>In an async function: <c>await</c> before the call (<c>x?.M();</c> becomes
    /// <c>await (x?.M() ?? Task.CompletedTask);</c>, since awaiting null throws).</item>
    /// <item>In a synchronous method returning <c>Task</c>/<c>Task&lt;T&gt;</c>: the method becomes
    /// <c>async</c>, every dangling task in it is awaited, and <c>return Task.CompletedTask;</c> /
    /// <c>return Task.FromResult(x);</c> become <c>return;</c> / <c>return x;</c>; other returns: no fix.</item>
    /// <item>In a synchronous <c>void</c> method: the method becomes <c>async Task</c> only when it is
    /// private or internal, overrides and implements nothing, is not an entry point, and every
    /// reference to it is a call statement in this document inside an async function (those
    /// calls get <c>await</c>). Never <c>async void</c>.</item>
    /// <item><c>list.ForEach(async x =&gt; ...)</c> on a <c>List&lt;T&gt;</c>, as a statement in an async
    /// function: a <c>foreach</c> loop that awaits each body (<c>return;</c> becomes <c>continue;</c>).</item>
    /// </list>
    /// Anything else (lambdas converted to other delegates, sync lambdas, local functions) gets no fix.
    /// Fix All edits each method once: "make async" and "await" interact within a method.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP3001DanglingTaskCodeFix))]
    [Shared]
    public sealed class AP3001DanglingTaskCodeFix : CodeFixProvider
    {
        public const string AwaitKey = "AP3001.Await";
        public const string ForEachKey = "AP3001.ForEachLoop";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DanglingTask);

        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var plan = new Plan();
                if (!await AddToPlanAsync(context.Document, diagnostic, plan, context.CancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                var isLoop = plan.ForEachStatements.Count > 0;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        isLoop ? "Loop with foreach and await" : "Await it",
                        ct => ApplyAsync(context.Document, new[] { diagnostic }, ct),
                        isLoop ? ForEachKey : AwaitKey),
                    diagnostic);
            }
        }

        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
            => await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false);

        private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var plan = new Plan();
            foreach (var diagnostic in diagnostics)
            {
                await AddToPlanAsync(document, diagnostic, plan, cancellationToken).ConfigureAwait(false);
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);

            // Inner edits first; the outer ones (loops, method signatures) work on the node with them applied.
            foreach (var statement in plan.AwaitStatements)
            {
                editor.ReplaceNode(statement.Expression, (current, _) => AwaitExpression((ExpressionSyntax)current));
            }

            foreach (var pair in plan.ReturnRewrites)
            {
                if (pair.Value is null)
                {
                    editor.RemoveNode(pair.Key, SyntaxRemoveOptions.KeepNoTrivia);
                }
                else
                {
                    editor.ReplaceNode(pair.Key, pair.Value);
                }
            }

            foreach (var statement in plan.ForEachStatements)
            {
                editor.ReplaceNode(statement, (current, _) => ToForEach((ExpressionStatementSyntax)current) ?? current);
            }

            foreach (var method in plan.AsyncMethods)
            {
                editor.ReplaceNode(method, (current, _) => MakeAsync((MethodDeclarationSyntax)current));
            }

            return editor.GetChangedDocument();
        }

        private sealed class Plan
        {
            public HashSet<ExpressionStatementSyntax> AwaitStatements { get; } = new();

            public Dictionary<ReturnStatementSyntax, StatementSyntax?> ReturnRewrites { get; } = new();

            public HashSet<ExpressionStatementSyntax> ForEachStatements { get; } = new();

            public HashSet<MethodDeclarationSyntax> AsyncMethods { get; } = new();
        }

        private static async Task<bool> AddToPlanAsync(Document document, Diagnostic diagnostic, Plan plan, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !diagnostic.Properties.TryGetValue(AP3001DanglingTaskAnalyzer.ShapeProperty, out var shape))
            {
                return false;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (shape == AP3001DanglingTaskAnalyzer.ShapeAsyncVoidLambda)
            {
                var statement = ForEachStatementOf(node.FirstAncestorOrSelf<AnonymousFunctionExpressionSyntax>());
                if (statement is null || !AwaitPlacement.CanAwaitHere(statement))
                {
                    return false;
                }

                var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (semanticModel is null || !CanLoop(statement, semanticModel, cancellationToken))
                {
                    return false;
                }

                plan.ForEachStatements.Add(statement);
                return true;
            }

            var danglingStatement = node.FirstAncestorOrSelf<ExpressionStatementSyntax>();
            if (danglingStatement is null)
            {
                return false;
            }

            var function = AwaitPlacement.EnclosingFunction(danglingStatement);
            if (function is null)
            {
                return false;
            }

            if (AwaitPlacement.IsAsync(function))
            {
                if (!AwaitPlacement.CanAwaitAt(danglingStatement, function))
                {
                    return false;
                }

                plan.AwaitStatements.Add(danglingStatement);
                return true;
            }

            if (function is not MethodDeclarationSyntax method)
            {
                return false;
            }

            if (plan.AsyncMethods.Contains(method))
            {
                return true;
            }

            return await TryMakeAsyncAsync(document, method, plan, cancellationToken).ConfigureAwait(false);
        }

        // ---- await ----------------------------------------------------------------------------

        private static ExpressionSyntax AwaitExpression(ExpressionSyntax expression)
        {
            var bare = expression.WithoutTrivia();
            ExpressionSyntax operand = bare;
            if (bare is ConditionalAccessExpressionSyntax)
            {
                // Awaiting a null task throws: `x?.SaveAsync()` is null when x is.
                operand = SyntaxFactory.ParenthesizedExpression(
                    SyntaxFactory.BinaryExpression(
                        SyntaxKind.CoalesceExpression,
                        bare,
                        SyntaxFactory.ParseExpression("System.Threading.Tasks.Task.CompletedTask").WithAdditionalAnnotations(Simplifier.Annotation)));
            }

            return SyntaxFactory.AwaitExpression(operand)
                .WithTriviaFrom(expression)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        // ---- make the method async --------------------------------------------------------------

        private static async Task<bool> TryMakeAsyncAsync(Document document, MethodDeclarationSyntax method, Plan plan, CancellationToken cancellationToken)
        {
            var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (semanticModel is null
                || method.Body is null
                || method.Modifiers.Any(SyntaxKind.AsyncKeyword)
                || method.Modifiers.Any(SyntaxKind.UnsafeKeyword)
                || method.ParameterList.Parameters.Any(p => p.Modifiers.Any(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword)))
                || semanticModel.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol
                || KnownTypes.Create(semanticModel.Compilation) is not { } types)
            {
                return false;
            }

            var returnKind = ReturnKindOf(symbol.ReturnType, types);
            if (returnKind == ReturnKind.Other
                || symbol.IsOverride || symbol.IsVirtual || symbol.IsAbstract || symbol.IsExtern
                || symbol.PartialDefinitionPart != null || symbol.PartialImplementationPart != null
                || !symbol.ExplicitInterfaceImplementations.IsEmpty
                || ImplementsInterfaceMember(symbol)
                || SymbolEqualityComparer.Default.Equals(semanticModel.Compilation.GetEntryPoint(cancellationToken), symbol))
            {
                return false;
            }

            var body = method.Body;
            var awaits = new List<ExpressionStatementSyntax>();
            var returns = new Dictionary<ReturnStatementSyntax, StatementSyntax?>();
            foreach (var node in DescendantsInFunction(body))
            {
                switch (node)
                {
                    case ExpressionStatementSyntax statement:
                        var type = semanticModel.GetTypeInfo(statement.Expression, cancellationToken).Type;
                        var invoked = semanticModel.GetSymbolInfo(statement.Expression, cancellationToken).Symbol as IMethodSymbol;
                        if (statement.Expression is ConditionalAccessExpressionSyntax)
                        {
                            // Left as they are: an unawaited `x?.M()` compiles without warning in an
                            // async method, and AP3001 still reports it.
                            continue;
                        }

                        if (statement.Expression is not InvocationExpressionSyntax)
                        {
                            continue;
                        }

                        if (SymbolEqualityComparer.Default.Equals(invoked?.OriginalDefinition, symbol.OriginalDefinition) && returnKind == ReturnKind.Void)
                        {
                            awaits.Add(statement); // recursion: the call returns a Task once the method does
                            continue;
                        }

                        if (AsyncContext.IsTaskLike(type, types))
                        {
                            if (invoked?.Name == "ContinueWith")
                            {
                                return false; // observed by its continuation; awaiting it would change what runs when
                            }

                            if (!AwaitPlacement.CanAwaitAt(statement, method))
                            {
                                return false;
                            }

                            awaits.Add(statement);
                        }
                        else if (type != null && IsOtherAwaitable(type))
                        {
                            return false; // `task.ConfigureAwait(false);` would become CS4014 in an async method
                        }

                        break;

                    case ReturnStatementSyntax returnStatement:
                        if (returnKind == ReturnKind.Void)
                        {
                            continue;
                        }

                        var rewritten = RewriteReturn(returnStatement, returnKind, body, semanticModel, types, cancellationToken);
                        if (rewritten is null)
                        {
                            return false;
                        }

                        returns[returnStatement] = rewritten.Value.Replacement;
                        break;

                    case LocalDeclarationStatementSyntax declaration:
                        // ref locals and ref struct locals (Span<T>) cannot live across an await.
                        if (declaration.Declaration.Type is RefTypeSyntax
                            || semanticModel.GetTypeInfo(declaration.Declaration.Type, cancellationToken).Type is { IsRefLikeType: true })
                        {
                            return false;
                        }

                        break;

                    case YieldStatementSyntax:
                    case StackAllocArrayCreationExpressionSyntax:
                        return false;
                }
            }

            var callers = new List<ExpressionStatementSyntax>();
            if (returnKind == ReturnKind.Void)
            {
                // void → async Task changes the signature: every caller must be a call statement that
                // can await it (a call statement in a synchronous caller would turn into CS4014).
                if (symbol.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal))
                {
                    return false;
                }

                var references = await SymbolFinder.FindReferencesAsync(symbol, document.Project.Solution, cancellationToken).ConfigureAwait(false);
                var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                foreach (var location in references.SelectMany(r => r.Locations))
                {
                    if (location.Document.Id != document.Id || root is null)
                    {
                        return false;
                    }

                    var name = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                    var invocation = name.Parent is MemberAccessExpressionSyntax access && access.Name == name
                        ? access.Parent as InvocationExpressionSyntax
                        : name.Parent as InvocationExpressionSyntax;
                    if (invocation?.Parent is not ExpressionStatementSyntax callStatement)
                    {
                        return false;
                    }

                    if (callStatement.Ancestors().Contains(method))
                    {
                        if (AwaitPlacement.EnclosingFunction(callStatement) != method)
                        {
                            return false; // a recursive call from a lambda inside the method
                        }

                        continue; // already in `awaits`
                    }

                    var callerFunction = AwaitPlacement.EnclosingFunction(callStatement);
                    if (callerFunction is null || !AwaitPlacement.IsAsync(callerFunction) || !AwaitPlacement.CanAwaitAt(callStatement, callerFunction))
                    {
                        return false;
                    }

                    callers.Add(callStatement);
                }
            }

            plan.AsyncMethods.Add(method);
            plan.AwaitStatements.UnionWith(awaits);
            plan.AwaitStatements.UnionWith(callers);
            foreach (var pair in returns)
            {
                plan.ReturnRewrites[pair.Key] = pair.Value;
            }

            return true;
        }

        private enum ReturnKind
        {
            Other,
            Void,
            Task,
            TaskOfT,
        }

        private static ReturnKind ReturnKindOf(ITypeSymbol returnType, KnownTypes types)
        {
            if (returnType.SpecialType == SpecialType.System_Void)
            {
                return ReturnKind.Void;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, types.Task))
            {
                return ReturnKind.Task;
            }

            return returnType.OriginalDefinition.IsType(types.TaskOfT) ? ReturnKind.TaskOfT : ReturnKind.Other;
        }

        private static bool ImplementsInterfaceMember(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsOtherAwaitable(ITypeSymbol type)
            => type.GetMembers("GetAwaiter").OfType<IMethodSymbol>().Any(m => m.Parameters.IsEmpty && !m.IsStatic);

        /// <summary>
        /// <c>return Task.CompletedTask;</c> → <c>return;</c> (dropped when it is the body's last statement);
        /// <c>return Task.FromResult(x);</c> → <c>return x;</c>. Anything else returns <c>null</c>: no fix.
        /// </summary>
        private static (StatementSyntax? Replacement, bool Ok)? RewriteReturn(
            ReturnStatementSyntax statement, ReturnKind kind, BlockSyntax body, SemanticModel semanticModel, KnownTypes types, CancellationToken cancellationToken)
        {
            var expression = statement.Expression;
            if (expression is null)
            {
                return null;
            }

            var symbol = semanticModel.GetSymbolInfo(expression, cancellationToken).Symbol;
            if (kind == ReturnKind.Task
                && symbol is IPropertySymbol { Name: "CompletedTask" } property
                && property.IsContainedIn(types.Task))
            {
                if (body.Statements.LastOrDefault() == statement)
                {
                    return (null, true);
                }

                return (SyntaxFactory.ReturnStatement().WithTriviaFrom(statement), true);
            }

            if (kind == ReturnKind.TaskOfT
                && expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } invocation
                && symbol is IMethodSymbol { Name: "FromResult" } method
                && method.IsContainedIn(types.Task))
            {
                var value = invocation.ArgumentList.Arguments[0].Expression;
                return (statement.WithExpression(value.WithTriviaFrom(expression)), true);
            }

            return null;
        }

        private static MethodDeclarationSyntax MakeAsync(MethodDeclarationSyntax method)
        {
            var returnType = method.ReturnType;
            if (returnType is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword))
            {
                returnType = SyntaxFactory.ParseTypeName("System.Threading.Tasks.Task")
                    .WithTriviaFrom(returnType)
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            }

            // `async` goes last among the modifiers, before the return type takes its leading trivia.
            var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            MethodDeclarationSyntax result;
            if (method.Modifiers.Count == 0)
            {
                result = method
                    .WithReturnType(returnType.WithoutLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(asyncKeyword.WithLeadingTrivia(returnType.GetLeadingTrivia())));
            }
            else
            {
                result = method.WithReturnType(returnType).WithModifiers(method.Modifiers.Add(asyncKeyword));
            }

            return result.WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>The nodes of a body that belong to it, not to the lambdas and local functions inside it.</summary>
        private static IEnumerable<SyntaxNode> DescendantsInFunction(SyntaxNode body)
            => body.DescendantNodes(n => n == body || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));

        // ---- List<T>.ForEach(async x => ...) → foreach ---------------------------------------------

        private static ExpressionStatementSyntax? ForEachStatementOf(AnonymousFunctionExpressionSyntax? lambda)
        {
            if (lambda?.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax invocation } }
                && invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach" }
                && invocation.Parent is ExpressionStatementSyntax statement)
            {
                return statement;
            }

            return null;
        }

        private static bool CanLoop(ExpressionStatementSyntax statement, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)statement.Expression;
            if (semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                || !AP3001DanglingTaskAnalyzer.IsListForEach(method)
                || invocation.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax lambda
                || ParameterOf(lambda) is not { } parameter)
            {
                return false;
            }

            // The loop variable must not collide with a local or parameter in scope (CS0136).
            var name = parameter.Identifier.ValueText;
            if (semanticModel.LookupSymbols(statement.SpanStart, name: name)
                .Any(s => s is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol))
            {
                return false;
            }

            // `return;` leaves one element's body: it becomes `continue;`, which is only the same
            // when no loop of the body's own sits between them.
            if (lambda.Body is BlockSyntax block)
            {
                foreach (var returnStatement in DescendantsInFunction(block).OfType<ReturnStatementSyntax>())
                {
                    if (returnStatement.Ancestors().TakeWhile(a => a != block)
                        .Any(a => a is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static ParameterSyntax? ParameterOf(AnonymousFunctionExpressionSyntax lambda) => lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
            AnonymousMethodExpressionSyntax { ParameterList.Parameters.Count: 1 } anonymous => anonymous.ParameterList.Parameters[0],
            _ => null,
        };

        private static StatementSyntax? ToForEach(ExpressionStatementSyntax statement)
        {
            if (statement.Expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation
                || invocation.ArgumentList.Arguments.Count != 1
                || invocation.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax lambda
                || ParameterOf(lambda) is not { } parameter)
            {
                return null;
            }

            BlockSyntax body;
            switch (lambda.Body)
            {
                case BlockSyntax block:
                    var returns = DescendantsInFunction(block).OfType<ReturnStatementSyntax>().ToList();
                    body = block.ReplaceNodes(returns, (original, _) => SyntaxFactory.ContinueStatement().WithTriviaFrom(original));
                    break;
                case ExpressionSyntax expression:
                    body = SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(expression.WithoutTrivia()));
                    break;
                default:
                    return null;
            }

            var type = parameter.Type ?? SyntaxFactory.IdentifierName("var");
            return SyntaxFactory.ForEachStatement(
                    type.WithoutTrivia(),
                    parameter.Identifier.WithoutTrivia(),
                    access.Expression.WithoutTrivia(),
                    body.WithoutLeadingTrivia())
                .WithTriviaFrom(statement)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }
    }
}
