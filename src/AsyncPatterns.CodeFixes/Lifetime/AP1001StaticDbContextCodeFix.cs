using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// AP1001: turn the static member into a <c>private readonly</c> instance field and take the
    /// context through the constructor, as ASP.NET Core's DI gives each request its own
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#dbcontext-in-dependency-injection-for-aspnet-core).
    /// Offered only where the result compiles: a non-static class that is not itself a context,
    /// not derived from and not constructed explicitly anywhere, whose member (typed as the context
    /// itself) is used only by its own instance members.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP1001StaticDbContextCodeFix))]
    [Shared]
    public sealed class AP1001StaticDbContextCodeFix : CodeFixProvider
    {
        public const string InjectKey = "AP1001.InjectThroughConstructor";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StaticDbContext);

        // Several static members of one class share one constructor edit: fix a document in one pass.
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
            async (fixAllContext, document, diagnostics) => await FixDocumentAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var member = await FixableMemberAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (member is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Inject it through the constructor",
                        ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                        InjectKey),
                    diagnostic);
            }
        }

        private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var members = new List<ISymbol>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var member = await FixableMemberAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (member is not null && !members.Contains(member, SymbolEqualityComparer.Default))
                {
                    members.Add(member);
                }
            }

            if (members.Count == 0)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var group in members.GroupBy(m => m.ContainingType, SymbolEqualityComparer.Default))
            {
                await FixTypeAsync(editor, document, (INamedTypeSymbol)group.Key!, group.ToList(), cancellationToken).ConfigureAwait(false);
            }

            return editor.GetChangedDocument();
        }

        private static async Task FixTypeAsync(DocumentEditor editor, Document document, INamedTypeSymbol type, List<ISymbol> members, CancellationToken cancellationToken)
        {
            if (type.DeclaringSyntaxReferences.Length != 1
                || await type.DeclaringSyntaxReferences[0].GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ClassDeclarationSyntax typeDeclaration)
            {
                return;
            }

            var constructors = typeDeclaration.Members.OfType<ConstructorDeclarationSyntax>()
                .Where(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword))
                .ToList();

            // Parameter names: from the member's name, never clashing with anything the constructors or the type already name.
            var taken = new HashSet<string>(constructors.SelectMany(c => c.DescendantTokens()).Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            taken.UnionWith(type.MemberNames);
            var parameters = new List<(ISymbol Member, string Name, TypeSyntax Type)>();
            foreach (var member in members)
            {
                var name = UniqueName(ParameterName(member), taken);
                taken.Add(name);
                var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
                parameters.Add((member, name, (TypeSyntax)editor.Generator.TypeExpression(memberType)));
            }

            // References qualified by the type name (`Cache.Db`) become `this.Db`.
            foreach (var member in members)
            {
                var references = await SymbolFinder.FindReferencesAsync(member, document.Project.Solution, cancellationToken).ConfigureAwait(false);
                foreach (var location in references.SelectMany(r => r.Locations))
                {
                    var node = editor.OriginalRoot.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                    if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node && access.Expression is not ThisExpressionSyntax)
                    {
                        editor.ReplaceNode(access, (current, _) => current is MemberAccessExpressionSyntax currentAccess
                            ? currentAccess.WithExpression(SyntaxFactory.ThisExpression().WithTriviaFrom(currentAccess.Expression))
                            : current);
                    }
                }
            }

            foreach (var member in members)
            {
                var syntax = await member.DeclaringSyntaxReferences[0].GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
                switch (syntax)
                {
                    case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: FieldDeclarationSyntax fieldDeclaration } }:
                        editor.ReplaceNode(fieldDeclaration, (current, _) => current is FieldDeclarationSyntax currentField ? ToInstanceField(currentField) : current);
                        break;
                    case PropertyDeclarationSyntax property:
                        editor.ReplaceNode(property, (current, _) => current is PropertyDeclarationSyntax currentProperty ? ToInstanceField(currentProperty) : current);
                        break;
                }
            }

            if (constructors.Count == 0)
            {
                var constructor = SyntaxFactory.ConstructorDeclaration(typeDeclaration.Identifier.WithoutTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PublicKeyword)))
                    .WithParameterList(SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(parameters.Select(p => Parameter(p.Name, p.Type)))))
                    .WithBody(SyntaxFactory.Block(parameters.Select(p => Assignment(p.Member.Name, p.Name))))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                var lastMember = members
                    .Select(m => m.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken))
                    .Select(s => s is VariableDeclaratorSyntax declarator ? declarator.Parent?.Parent : s)
                    .OfType<MemberDeclarationSyntax>()
                    .Concat(typeDeclaration.Members.OfType<FieldDeclarationSyntax>())
                    .OrderBy(m => m.SpanStart)
                    .Last();
                editor.InsertAfter(lastMember, constructor);
                return;
            }

            foreach (var constructor in constructors)
            {
                editor.ReplaceNode(constructor, (current, _) => current is ConstructorDeclarationSyntax currentConstructor
                    ? AddParameters(currentConstructor, parameters)
                    : current);
            }
        }

        private static ConstructorDeclarationSyntax AddParameters(ConstructorDeclarationSyntax constructor, List<(ISymbol Member, string Name, TypeSyntax Type)> parameters)
        {
            var result = constructor.AddParameterListParameters(parameters.Select(p => Parameter(p.Name, p.Type)).ToArray());
            if (constructor.Initializer is { } initializer && initializer.IsKind(SyntaxKind.ThisConstructorInitializer))
            {
                // A chaining constructor hands the context on to the one that stores it.
                var forwarded = parameters.Select(p => SyntaxFactory.Argument(SyntaxFactory.IdentifierName(p.Name))
                    .WithNameColon(SyntaxFactory.NameColon(p.Name)));
                return result.WithInitializer(initializer.AddArgumentListArguments(forwarded.ToArray()))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            var assignments = parameters.Select(p => Assignment(p.Member.Name, p.Name)).ToArray();
            if (result.Body is { } body)
            {
                result = result.WithBody(body.WithStatements(body.Statements.InsertRange(0, assignments)));
            }
            else if (result.ExpressionBody is { } expressionBody)
            {
                result = result
                    .WithExpressionBody(null)
                    .WithSemicolonToken(default)
                    .WithBody(SyntaxFactory.Block(assignments.Append(SyntaxFactory.ExpressionStatement(expressionBody.Expression))))
                    .WithTrailingTrivia(constructor.GetTrailingTrivia());
            }
            else
            {
                return constructor;
            }

            return result.WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static ParameterSyntax Parameter(string name, TypeSyntax type)
            => SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(type);

        private static StatementSyntax Assignment(string member, string parameter)
        {
            ExpressionSyntax target = member == parameter
                ? SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.ThisExpression(), SyntaxFactory.IdentifierName(member))
                : SyntaxFactory.IdentifierName(member);
            return SyntaxFactory.ExpressionStatement(
                SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, SyntaxFactory.IdentifierName(parameter)))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static FieldDeclarationSyntax ToInstanceField(FieldDeclarationSyntax field)
        {
            var declaration = field.Declaration.WithVariables(SyntaxFactory.SingletonSeparatedList(field.Declaration.Variables[0].WithInitializer(null)));
            var attributes = RemoveThreadStatic(field.AttributeLists);
            var leading = field.GetLeadingTrivia();
            var result = field.WithAttributeLists(attributes)
                .WithDeclaration(declaration)
                .WithModifiers(InstanceModifiers(field.Modifiers));
            return result.WithLeadingTrivia(leading).WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static FieldDeclarationSyntax ToInstanceField(PropertyDeclarationSyntax property)
        {
            var field = SyntaxFactory.FieldDeclaration(
                    property.AttributeLists,
                    InstanceModifiers(property.Modifiers),
                    SyntaxFactory.VariableDeclaration(property.Type, SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(property.Identifier.WithoutTrivia()))))
                .WithLeadingTrivia(property.GetLeadingTrivia())
                .WithTrailingTrivia(property.GetTrailingTrivia());

            // The new node keeps the property's annotations, among them the editor's tracking
            // one: the constructor a class without one gets is inserted after this member.
            return property.CopyAnnotationsTo(field).WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static SyntaxTokenList InstanceModifiers(SyntaxTokenList modifiers)
        {
            var dropped = new[]
            {
                SyntaxKind.StaticKeyword, SyntaxKind.PublicKeyword, SyntaxKind.PrivateKeyword, SyntaxKind.ProtectedKeyword,
                SyntaxKind.InternalKeyword, SyntaxKind.ReadOnlyKeyword, SyntaxKind.VolatileKeyword,
            };
            var rest = modifiers.Where(m => !dropped.Any(k => m.IsKind(k)));
            return SyntaxFactory.TokenList(
                new[] { SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword) }
                    .Concat(rest.Select(t => t.WithoutTrivia())));
        }

        private static SyntaxList<AttributeListSyntax> RemoveThreadStatic(SyntaxList<AttributeListSyntax> lists)
        {
            var result = new List<AttributeListSyntax>();
            foreach (var list in lists)
            {
                var kept = list.Attributes.Where(a => !IsThreadStatic(a)).ToList();
                if (kept.Count == list.Attributes.Count)
                {
                    result.Add(list);
                }
                else if (kept.Count > 0)
                {
                    result.Add(list.WithAttributes(SyntaxFactory.SeparatedList(kept)));
                }
            }

            return SyntaxFactory.List(result);
        }

        private static bool IsThreadStatic(AttributeSyntax attribute)
        {
            var name = attribute.Name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => string.Empty,
            };
            return name is "ThreadStatic" or "ThreadStaticAttribute";
        }

        private static string ParameterName(ISymbol member)
        {
            var name = member.Name;
            foreach (var prefix in new[] { "s_", "t_", "m_", "_" })
            {
                if (name.StartsWith(prefix, System.StringComparison.Ordinal) && name.Length > prefix.Length)
                {
                    name = name.Substring(prefix.Length);
                    break;
                }
            }

            name = char.ToLowerInvariant(name[0]) + name.Substring(1);
            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
                ? name + "Context"
                : name;
        }

        private static string UniqueName(string name, HashSet<string> taken)
        {
            if (!taken.Contains(name))
            {
                return name;
            }

            for (var i = 1; ; i++)
            {
                var candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!taken.Contains(candidate))
                {
                    return candidate;
                }
            }
        }

        private static bool IsWritten(SyntaxNode node)
        {
            var expression = node.Parent is MemberAccessExpressionSyntax access && access.Name == node ? access : node;
            return expression.Parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left == expression,
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                RefExpressionSyntax => true,
                _ => false,
            };
        }

        /// <summary>The member of the diagnostic when the fix's result compiles; <c>null</c> otherwise.</summary>
        private static async Task<ISymbol?> FixableMemberAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || semanticModel is null)
            {
                return null;
            }

            var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            var declaration = token.Parent;
            ISymbol? member;
            switch (declaration)
            {
                case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax } } declarator:
                    member = semanticModel.GetDeclaredSymbol(declarator, cancellationToken);
                    break;
                case PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors } property
                    when accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null && a.AttributeLists.Count == 0):
                    member = semanticModel.GetDeclaredSymbol(property, cancellationToken);
                    break;
                default:
                    return null;
            }

            var model = DataAccessModel.Create(semanticModel.Compilation);
            var type = member?.ContainingType;
            var memberType = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (member is null || model is null || type is null || memberType is null
                || !member.IsStatic
                || member is IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 } || member.IsAbstract || member.IsVirtual
                || memberType is not INamedTypeSymbol || !model.IsDbContextType(memberType)
                || type.TypeKind != TypeKind.Class || type.IsStatic || type.IsRecord || model.IsDbContextType(type)
                || type.DeclaringSyntaxReferences.Length != 1
                || type.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree
                || type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not ClassDeclarationSyntax { ParameterList: null })
            {
                return null;
            }

            // Adding a constructor parameter must not break anyone constructing or deriving from the type.
            if (type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.IsOptional || p.IsParams)))
            {
                return null;
            }

            var solution = document.Project.Solution;
            var derived = await SymbolFinder.FindDerivedClassesAsync(type, solution, transitive: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (derived.Any())
            {
                return null;
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                var references = await SymbolFinder.FindReferencesAsync(constructor, solution, cancellationToken).ConfigureAwait(false);
                foreach (var location in references.SelectMany(r => r.Locations))
                {
                    var node = (await location.Location.SourceTree!.GetRootAsync(cancellationToken).ConfigureAwait(false)).FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                    if (node.FirstAncestorOrSelf<ConstructorInitializerSyntax>() is not { } initializer
                        || !initializer.IsKind(SyntaxKind.ThisConstructorInitializer)
                        || location.Location.SourceTree != root.SyntaxTree)
                    {
                        return null;
                    }
                }
            }

            // Every use of the member must be in an instance member of this type (not a static member,
            // a static lambda or local function, a nested type, or a field initializer).
            var memberReferences = await SymbolFinder.FindReferencesAsync(member, solution, cancellationToken).ConfigureAwait(false);
            foreach (var location in memberReferences.SelectMany(r => r.Locations))
            {
                if (location.Location.SourceTree != root.SyntaxTree)
                {
                    return null;
                }

                var enclosing = semanticModel.GetEnclosingSymbol(location.Location.SourceSpan.Start, cancellationToken);
                for (; enclosing is not null && !SymbolEqualityComparer.Default.Equals(enclosing.ContainingType, type) || enclosing is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction }; enclosing = enclosing?.ContainingSymbol)
                {
                    if (enclosing is null || enclosing.IsStatic)
                    {
                        return null;
                    }
                }

                if (enclosing is null || enclosing.IsStatic || enclosing is not IMethodSymbol enclosingMethod)
                {
                    return null;
                }

                // The field becomes readonly: only constructors may still write it.
                if (enclosingMethod.MethodKind != MethodKind.Constructor && IsWritten(root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true)))
                {
                    return null;
                }
            }

            return member;
        }
    }
}
