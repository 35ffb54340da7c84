using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// The two AP1004 rewrites of a class that takes a DbContext in its constructor. Both start
    /// from the "holder" of the context: the field the constructor assigns it to (or, with a
    /// primary constructor, the field it initializes, or the parameter itself), and both give up
    /// (return null) on any shape whose rewrite might not compile.
    /// </summary>
    internal static class CapturedContextRewriter
    {
        private const string EfNamespace = "Microsoft.EntityFrameworkCore";

        internal sealed class Result
        {
            public Result(Document document, string contextTypeName)
            {
                Document = document;
                ContextTypeName = contextTypeName;
            }

            public Document Document { get; }
            public string ContextTypeName { get; }
        }

        public static async Task<Result?> TryRewriteAsync(Document document, TextSpan parameterSpan, bool middleware, SyntaxAnnotation? mark, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var parameter = root.FindToken(parameterSpan.Start).Parent as ParameterSyntax;
            if (parameter?.Type is null
                || model.GetDeclaredSymbol(parameter, cancellationToken) is not IParameterSymbol parameterSymbol
                || parameter.Parent is not ParameterListSyntax parameterList)
            {
                return null;
            }

            var constructor = parameterList.Parent as ConstructorDeclarationSyntax;
            var type = constructor?.Parent as TypeDeclarationSyntax ?? parameterList.Parent as TypeDeclarationSyntax;
            if (type is null
                || model.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol typeSymbol
                || typeSymbol.DeclaringSyntaxReferences.Length != 1
                || parameterSymbol.ContainingSymbol is not IMethodSymbol constructorSymbol)
            {
                return null;
            }

            // A constructor called from code (not by DI or UseMiddleware) would stop compiling.
            var references = await SymbolFinder.FindReferencesAsync(constructorSymbol, document.Project.Solution, cancellationToken).ConfigureAwait(false);
            if (references.Any(r => r.Locations.Any()))
            {
                return null;
            }

            var holder = FindHolder(model, type, typeSymbol, constructor, parameterSymbol, cancellationToken);
            if (holder is null)
            {
                return null;
            }

            var contextTypeName = parameter.Type.WithoutTrivia().ToString();
            var newRoot = middleware
                ? RewriteMiddleware(root, model, type, parameter, holder, cancellationToken)
                : RewriteFactory(root, model, type, typeSymbol, parameter, holder, contextTypeName, cancellationToken);
            if (newRoot is null)
            {
                return null;
            }

            var newDocument = document.WithSyntaxRoot(newRoot);
            newDocument = await Formatter.FormatAsync(newDocument, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new Result(newDocument, contextTypeName);
        }

        /// <summary>Where the constructor keeps the context, and where the class reads it.</summary>
        private sealed class Holder
        {
            /// <summary>The field, or the primary-constructor parameter itself; null when the context is never used.</summary>
            public ISymbol? Symbol { get; set; }

            public VariableDeclaratorSyntax? Field { get; set; }

            /// <summary>Assignments <c>_db = db</c> in the constructor: statements, or its expression body.</summary>
            public List<AssignmentExpressionSyntax> Assignments { get; } = new List<AssignmentExpressionSyntax>();

            /// <summary>References to the parameter in the assignments or the field initializer.</summary>
            public List<IdentifierNameSyntax> ParameterReferences { get; } = new List<IdentifierNameSyntax>();

            /// <summary>Reads of the holder, outside the constructor: the expressions to replace.</summary>
            public List<ExpressionSyntax> Uses { get; } = new List<ExpressionSyntax>();
        }

        private static Holder? FindHolder(SemanticModel model, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, ConstructorDeclarationSyntax? constructor, IParameterSymbol parameter, CancellationToken cancellationToken)
        {
            var holder = new Holder();
            IFieldSymbol? field = null;
            var directUses = new List<IdentifierNameSyntax>();
            foreach (var identifier in References(model, type, parameter, cancellationToken))
            {
                if (constructor != null)
                {
                    // `_db = db;`, `this._db = db ?? throw new ArgumentNullException(nameof(db));`
                    var assignment = identifier.Ancestors().OfType<AssignmentExpressionSyntax>().LastOrDefault(a => a.Right.Span.Contains(identifier.Span));
                    var inConstructor = assignment?.Parent switch
                    {
                        ExpressionStatementSyntax statement => statement.Parent?.Parent == constructor,
                        ArrowExpressionClauseSyntax arrow => arrow.Parent == constructor,
                        _ => false,
                    };
                    if (assignment is null
                        || !inConstructor
                        || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        || model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is not IFieldSymbol assigned
                        || (field != null && !SymbolEqualityComparer.Default.Equals(field, assigned)))
                    {
                        return null;
                    }

                    field = assigned;
                    if (!holder.Assignments.Contains(assignment))
                    {
                        holder.Assignments.Add(assignment);
                    }

                    holder.ParameterReferences.Add(identifier);
                    continue;
                }

                // Primary constructor: `private readonly ShopContext _db = db;`, or `db` read directly.
                if (identifier.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                    && model.GetDeclaredSymbol(declarator, cancellationToken) is IFieldSymbol initialized
                    && (field is null || SymbolEqualityComparer.Default.Equals(field, initialized)))
                {
                    field = initialized;
                    holder.ParameterReferences.Add(identifier);
                    continue;
                }

                directUses.Add(identifier);
            }

            if (field != null)
            {
                if (directUses.Count > 0
                    || field.IsStatic
                    || field.DeclaredAccessibility != Accessibility.Private
                    || !SymbolEqualityComparer.Default.Equals(field.ContainingType, typeSymbol)
                    || !SymbolEqualityComparer.Default.Equals(field.Type, parameter.Type)
                    || field.DeclaringSyntaxReferences.Length != 1
                    || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax fieldDeclarator
                    || fieldDeclarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax })
                {
                    return null;
                }

                holder.Symbol = field;
                holder.Field = fieldDeclarator;
                foreach (var identifier in References(model, type, field, cancellationToken))
                {
                    if (holder.Assignments.Any(a => a.Span.Contains(identifier.Span)))
                    {
                        continue;
                    }

                    var use = UseExpression(identifier);
                    if (use is null)
                    {
                        return null;
                    }

                    holder.Uses.Add(use);
                }

                return holder;
            }

            if (directUses.Count > 0)
            {
                holder.Symbol = parameter;
                foreach (var identifier in directUses)
                {
                    var use = UseExpression(identifier);
                    if (use is null)
                    {
                        return null;
                    }

                    holder.Uses.Add(use);
                }
            }

            return holder;
        }

        /// <summary>The expression that reads the holder (<c>_db</c> or <c>this._db</c>), or null when it is written, passed by reference or named.</summary>
        private static ExpressionSyntax? UseExpression(IdentifierNameSyntax identifier)
        {
            ExpressionSyntax expression = identifier;
            if (identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == identifier)
            {
                expression = access;
            }

            switch (expression.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == expression:
                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None):
                case PrefixUnaryExpressionSyntax:
                case PostfixUnaryExpressionSyntax:
                case RefExpressionSyntax:
                    return null;
            }

            if (expression.Ancestors().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" }))
            {
                return null;
            }

            return expression;
        }

        private static IEnumerable<IdentifierNameSyntax> References(SemanticModel model, SyntaxNode scope, ISymbol symbol, CancellationToken cancellationToken)
        {
            foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == symbol.Name
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, symbol))
                {
                    yield return identifier;
                }
            }
        }

        private static SyntaxNode? RewriteMiddleware(SyntaxNode root, SemanticModel model, TypeDeclarationSyntax type, ParameterSyntax parameter, Holder holder, CancellationToken cancellationToken)
        {
            var invoke = type.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m =>
                (m.Identifier.ValueText == "Invoke" || m.Identifier.ValueText == "InvokeAsync")
                && m.Modifiers.Any(SyntaxKind.PublicKeyword)
                && !m.Modifiers.Any(SyntaxKind.StaticKeyword)
                && m.ParameterList.Parameters.Count > 0
                && model.GetDeclaredSymbol(m, cancellationToken) is IMethodSymbol { Parameters.Length: > 0 } symbol
                && symbol.Parameters[0].Type.Name == "HttpContext");
            if (invoke is null || holder.Uses.Any(u => !invoke.Span.Contains(u.Span)))
            {
                return null;
            }

            var name = UniqueName(invoke, TrimFieldName(holder.Symbol?.Name ?? parameter.Identifier.ValueText), holder.Uses);
            var newParameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name))
                .WithType(parameter.Type!.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space));

            var tracked = new List<SyntaxNode> { invoke.ParameterList, parameter };
            tracked.AddRange(holder.Uses);
            tracked.AddRange(holder.Assignments.Select(a => a.Parent!));
            if (holder.Field != null)
            {
                tracked.Add(holder.Field.Parent!.Parent!);
            }

            var newRoot = root.TrackNodes(tracked);
            foreach (var use in holder.Uses)
            {
                var current = newRoot.GetCurrentNode(use)!;
                newRoot = newRoot.ReplaceNode(current, SyntaxFactory.IdentifierName(name).WithTriviaFrom(current));
            }

            var list = newRoot.GetCurrentNode(invoke.ParameterList)!;
            var index = list.Parameters.Count;
            for (var i = 0; i < list.Parameters.Count; i++)
            {
                var existing = list.Parameters[i];
                if (existing.Default != null || existing.Modifiers.Any(SyntaxKind.ParamsKeyword))
                {
                    index = i;
                    break;
                }
            }

            newRoot = newRoot.ReplaceNode(list, list.WithParameters(list.Parameters.Insert(index, newParameter)));

            // `public M(RequestDelegate next, ShopContext db) => _db = db;` keeps an empty body.
            foreach (var arrow in holder.Assignments.Select(a => a.Parent).OfType<ArrowExpressionClauseSyntax>())
            {
                var current = newRoot.GetCurrentNode(arrow)!;
                if (current.Parent is ConstructorDeclarationSyntax owner)
                {
                    newRoot = newRoot.ReplaceNode(owner, owner
                        .WithExpressionBody(null)
                        .WithSemicolonToken(default)
                        .WithBody(SyntaxFactory.Block())
                        .WithTrailingTrivia(owner.SemicolonToken.TrailingTrivia)
                        .WithAdditionalAnnotations(Formatter.Annotation));
                }
            }

            var removed = new List<SyntaxNode>();
            removed.AddRange(holder.Assignments.Select(a => a.Parent).OfType<ExpressionStatementSyntax>().Select(a => newRoot.GetCurrentNode(a)!));
            if (holder.Field != null)
            {
                removed.Add(newRoot.GetCurrentNode(holder.Field.Parent!.Parent!)!);
            }

            removed.Add(newRoot.GetCurrentNode(parameter)!);
            return newRoot.RemoveNodes(removed, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        private static SyntaxNode? RewriteFactory(SyntaxNode root, SemanticModel model, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, ParameterSyntax parameter, Holder holder, string contextTypeName, CancellationToken cancellationToken)
        {
            var parameterName = parameter.Identifier.ValueText + "Factory";
            var fieldName = holder.Field != null ? holder.Field.Identifier.ValueText + "Factory" : null;
            if (typeSymbol.GetMembers(parameterName).Any() || (fieldName != null && typeSymbol.GetMembers(fieldName).Any())
                || (parameter.Parent is ParameterListSyntax siblings && siblings.Parameters.Any(p => p.Identifier.ValueText == parameterName)))
            {
                return null;
            }

            var factoryName = fieldName ?? parameterName;

            // One context per unit of work, in each method that read the captured one.
            var plans = new List<(SyntaxNode Container, StatementSyntax Declaration, string Local, MethodDeclarationSyntax Method, bool MakeAsync, bool ReturnsValue)>();
            var awaitedReturns = new List<ExpressionSyntax>();
            var localNames = new Dictionary<ExpressionSyntax, string>();
            foreach (var group in holder.Uses.GroupBy(EnclosingMethod))
            {
                var method = group.Key;
                if (method is null || method.Parent != type
                    || model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol methodSymbol)
                {
                    return null;
                }

                // A method returning a task without awaiting it would dispose the context before the
                // task completes: it becomes async, and awaits what it returned.
                var isAsync = method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                var makeAsync = false;
                var returnsValue = !methodSymbol.ReturnsVoid;
                if (!isAsync && !DisposingLocallyIsSafe(methodSymbol.ReturnType))
                {
                    if (!CanMakeAsync(method, methodSymbol, out var returns))
                    {
                        return null;
                    }

                    makeAsync = true;
                    awaitedReturns.AddRange(returns);
                }

                if (isAsync || makeAsync)
                {
                    returnsValue = methodSymbol.ReturnType is INamedTypeSymbol { IsGenericType: true };
                }

                var uses = group.ToList();
                var local = UniqueName(method, TrimFieldName(holder.Symbol?.Name ?? "db"), uses);
                foreach (var use in uses)
                {
                    localNames[use] = local;
                }

                var token = methodSymbol.Parameters.FirstOrDefault(p => p.Type.Name == "CancellationToken" && p.Type.ContainingNamespace?.ToDisplayString() == "System.Threading")?.Name;
                var declaration = isAsync || makeAsync
                    ? SyntaxFactory.ParseStatement($"await using var {local} = await {factoryName}.CreateDbContextAsync({token});")
                    : SyntaxFactory.ParseStatement($"using var {local} = {factoryName}.CreateDbContext();");
                declaration = declaration
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                    .WithTrailingTrivia(SyntaxFactory.ElasticLineFeed)
                    .WithAdditionalAnnotations(Formatter.Annotation);

                SyntaxNode? container = null;
                foreach (var loop in uses[0].Ancestors().TakeWhile(a => a != method))
                {
                    var body = loop switch
                    {
                        ForStatementSyntax f => f.Statement,
                        CommonForEachStatementSyntax f => f.Statement,
                        WhileStatementSyntax w => w.Statement,
                        DoStatementSyntax d => d.Statement,
                        _ => null,
                    };
                    if (body != null && uses.All(u => body.Span.Contains(u.Span)))
                    {
                        container = body;
                        break;
                    }
                }

                container ??= (SyntaxNode?)method.Body ?? method.ExpressionBody;
                if (container is null)
                {
                    return null;
                }

                plans.Add((container, declaration, local, method, makeAsync, returnsValue));
            }

            var newType = SyntaxFactory.ParseTypeName($"IDbContextFactory<{contextTypeName}>");
            var tracked = new List<SyntaxNode> { parameter };
            tracked.AddRange(holder.Uses);
            tracked.AddRange(holder.ParameterReferences);
            tracked.AddRange(holder.Assignments.Select(a => a.Left));
            tracked.AddRange(plans.Select(p => p.Container));
            tracked.AddRange(plans.Select(p => p.Method));
            tracked.AddRange(awaitedReturns);
            if (holder.Field != null)
            {
                tracked.Add(holder.Field);
                tracked.Add(((VariableDeclarationSyntax)holder.Field.Parent!).Type);
            }

            var newRoot = root.TrackNodes(tracked);
            foreach (var use in holder.Uses)
            {
                var current = newRoot.GetCurrentNode(use)!;
                newRoot = newRoot.ReplaceNode(current, SyntaxFactory.IdentifierName(localNames[use]).WithTriviaFrom(current));
            }

            foreach (var returned in awaitedReturns)
            {
                var current = newRoot.GetCurrentNode(returned)!;
                newRoot = newRoot.ReplaceNode(current, Await(current));
            }

            foreach (var plan in plans)
            {
                var container = newRoot.GetCurrentNode(plan.Container)!;
                switch (container)
                {
                    case BlockSyntax block:
                        newRoot = newRoot.ReplaceNode(block, InsertFirst(block, plan.Declaration, plan.Local));
                        break;
                    case ArrowExpressionClauseSyntax arrow:
                        var method = newRoot.GetCurrentNode(plan.Method)!;
                        var expression = plan.MakeAsync ? Await(arrow.Expression.WithoutTrivia()) : arrow.Expression.WithoutTrivia();
                        StatementSyntax body = plan.ReturnsValue
                            ? SyntaxFactory.ReturnStatement(expression)
                            : SyntaxFactory.ExpressionStatement(expression);
                        var newMethod = method
                            .WithExpressionBody(null)
                            .WithSemicolonToken(default)
                            .WithBody(SyntaxFactory.Block(plan.Declaration, body))
                            .WithTrailingTrivia(method.SemicolonToken.TrailingTrivia)
                            .WithAdditionalAnnotations(Formatter.Annotation);
                        newRoot = newRoot.ReplaceNode(method, newMethod);
                        break;
                    case StatementSyntax statement:
                        newRoot = newRoot.ReplaceNode(statement, SyntaxFactory.Block(plan.Declaration, statement.WithoutTrivia()).WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation));
                        break;
                    default:
                        return null;
                }
            }

            foreach (var plan in plans.Where(p => p.MakeAsync))
            {
                var method = newRoot.GetCurrentNode(plan.Method)!;
                newRoot = newRoot.ReplaceNode(method, AddAsyncModifier(method));
            }

            foreach (var reference in holder.ParameterReferences)
            {
                var current = newRoot.GetCurrentNode(reference)!;
                newRoot = newRoot.ReplaceNode(current, current.WithIdentifier(SyntaxFactory.Identifier(parameterName).WithTriviaFrom(current.Identifier)));
            }

            if (holder.Field != null)
            {
                foreach (var assignment in holder.Assignments)
                {
                    var left = newRoot.GetCurrentNode(assignment.Left)!;
                    ExpressionSyntax renamed = left switch
                    {
                        IdentifierNameSyntax identifier => identifier.WithIdentifier(SyntaxFactory.Identifier(fieldName!).WithTriviaFrom(identifier.Identifier)),
                        MemberAccessExpressionSyntax access => access.WithName(SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(fieldName!).WithTriviaFrom(access.Name.Identifier))),
                        _ => left,
                    };
                    newRoot = newRoot.ReplaceNode(left, renamed);
                }

                var fieldType = newRoot.GetCurrentNode(((VariableDeclarationSyntax)holder.Field.Parent!).Type)!;
                newRoot = newRoot.ReplaceNode(fieldType, newType.WithTriviaFrom(fieldType));
                var declarator = newRoot.GetCurrentNode(holder.Field)!;
                newRoot = newRoot.ReplaceNode(declarator, declarator.WithIdentifier(SyntaxFactory.Identifier(fieldName!).WithTriviaFrom(declarator.Identifier)));
            }

            var currentParameter = newRoot.GetCurrentNode(parameter)!;
            newRoot = newRoot.ReplaceNode(
                currentParameter,
                currentParameter
                    .WithType(newType.WithTriviaFrom(currentParameter.Type!))
                    .WithIdentifier(SyntaxFactory.Identifier(parameterName).WithTriviaFrom(currentParameter.Identifier)));

            return newRoot is CompilationUnitSyntax unit ? UsingDirectives.Ensure(unit, EfNamespace, model) : newRoot;
        }

        /// <summary>
        /// Puts the declaration first in the block, on its own line with the first statement's
        /// indentation; a one-line block (<c>{ return _db.Orders.Count(); }</c>) is laid out again.
        /// </summary>
        private static BlockSyntax InsertFirst(BlockSyntax block, StatementSyntax declaration, string local)
        {
            // After the contexts already created there (another context of the same class, fixed
            // before this one), so that the declarations keep the constructor's order.
            var index = 0;
            while (index < block.Statements.Count
                   && block.Statements[index] is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } previous
                   && previous.Declaration.Variables.Count == 1
                   && previous.Declaration.Variables[0].Initializer?.Value.ToString().Contains(".CreateDbContext") == true
                   && !previous.DescendantTokens().Any(t => t.ValueText == local.TrimStart('@')))
            {
                index++;
            }

            var endOfLine = block.OpenBraceToken.TrailingTrivia.LastOrDefault();
            if (index < block.Statements.Count
                && endOfLine.IsKind(SyntaxKind.EndOfLineTrivia)
                && block.Statements[index].GetLeadingTrivia().LastOrDefault() is { RawKind: (int)SyntaxKind.WhitespaceTrivia } indentation)
            {
                return block.WithStatements(block.Statements.Insert(index, declaration.WithLeadingTrivia(indentation).WithTrailingTrivia(endOfLine)));
            }

            var statements = block.Statements.Select(s => s.WithoutTrivia().WithAdditionalAnnotations(Formatter.Annotation));
            return SyntaxFactory.Block(new[] { declaration }.Concat(statements))
                .WithTriviaFrom(block)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>
        /// A method that returns a task it does not await can become async when every return hands
        /// back a value to await: an expression body, or (for a task with a result) return statements
        /// with expressions. Ref-like parameters would not compile in an async method.
        /// </summary>
        private static bool CanMakeAsync(MethodDeclarationSyntax method, IMethodSymbol symbol, out List<ExpressionSyntax> returns)
        {
            returns = new List<ExpressionSyntax>();
            if (symbol.ReturnType is not INamedTypeSymbol { Name: "Task" or "ValueTask" } returnType
                || returnType.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks"
                || symbol.Parameters.Any(p => p.RefKind != RefKind.None || p.Type.IsRefLikeType)
                || method.Modifiers.Any(SyntaxKind.UnsafeKeyword))
            {
                return false;
            }

            if (method.ExpressionBody != null)
            {
                return true;
            }

            if (method.Body is null || !returnType.IsGenericType)
            {
                return false;
            }

            foreach (var statement in method.Body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<ReturnStatementSyntax>())
            {
                if (statement.Expression is null)
                {
                    return false;
                }

                returns.Add(statement.Expression);
            }

            return true;
        }

        private static ExpressionSyntax Await(ExpressionSyntax expression)
        {
            var operand = expression is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax
                or ElementAccessExpressionSyntax or ObjectCreationExpressionSyntax or ParenthesizedExpressionSyntax
                ? expression.WithoutTrivia()
                : SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia());
            return SyntaxFactory.AwaitExpression(operand).WithTriviaFrom(expression);
        }

        private static MethodDeclarationSyntax AddAsyncModifier(MethodDeclarationSyntax method)
        {
            var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            if (method.Modifiers.Count == 0)
            {
                return method
                    .WithReturnType(method.ReturnType.WithoutLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(asyncKeyword.WithLeadingTrivia(method.ReturnType.GetLeadingTrivia())));
            }

            return method.WithModifiers(method.Modifiers.Add(asyncKeyword));
        }

        /// <summary>
        /// A synchronous method may dispose its context at its end only when nothing it returns
        /// still needs the context: no task, no deferred sequence.
        /// </summary>
        private static bool DisposingLocallyIsSafe(ITypeSymbol returnType)
        {
            if (returnType.SpecialType == SpecialType.System_Void || returnType.SpecialType == SpecialType.System_String)
            {
                return true;
            }

            if (returnType.Name is "Task" or "ValueTask" || returnType.GetMembers("GetAwaiter").Any())
            {
                return false;
            }

            return !returnType.AllInterfaces.Any(i => i.Name is "IEnumerable" or "IAsyncEnumerable")
                   && returnType.Name is not ("IEnumerable" or "IAsyncEnumerable" or "IQueryable");
        }

        private static MethodDeclarationSyntax? EnclosingMethod(ExpressionSyntax use)
        {
            foreach (var ancestor in use.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                        return null;
                    case MethodDeclarationSyntax method:
                        return method;
                    case MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        private static string TrimFieldName(string name)
        {
            var trimmed = name.StartsWith("m_", System.StringComparison.Ordinal) ? name.Substring(2) : name.TrimStart('_');
            if (trimmed.Length == 0)
            {
                return "db";
            }

            trimmed = char.ToLowerInvariant(trimmed[0]) + trimmed.Substring(1);
            return SyntaxFacts.GetKeywordKind(trimmed) != SyntaxKind.None ? "@" + trimmed : trimmed;
        }

        /// <summary>
        /// A name no identifier in the method already uses (other than the reads being replaced):
        /// the field's name without its underscore, else <c>db</c> (a middleware's <c>_context</c>
        /// meets the HttpContext parameter <c>context</c>), else a numbered one.
        /// </summary>
        private static string UniqueName(MethodDeclarationSyntax method, string name, IReadOnlyCollection<ExpressionSyntax> replaced)
        {
            var taken = new HashSet<string>(method.DescendantTokens()
                .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && !replaced.Any(r => r.Span.Contains(t.Span)))
                .Select(t => t.ValueText));
            foreach (var candidate in new[] { name, "db", "dbContext" })
            {
                if (!taken.Contains(candidate.TrimStart('@')))
                {
                    return candidate;
                }
            }

            var i = 2;
            while (taken.Contains(name.TrimStart('@') + i))
            {
                i++;
            }

            return name.TrimStart('@') + i;
        }
    }
}
