using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Sessions;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AsyncPatterns.CodeFixes.Sessions
{
    /// <summary>
    /// AP5003: read the key from configuration, failing loudly when it is missing —
    /// <c>"secret"</c> becomes <c>configuration["Jwt:SigningKey"] ?? throw new InvalidOperationException("Configuration value 'Jwt:SigningKey' is missing.")</c>
    /// (inside <c>Encoding.UTF8.GetBytes(...)</c> or <c>Convert.FromBase64String(...)</c> the call
    /// stays); a UTF-8 literal becomes <c>Encoding.UTF8.GetBytes(...)</c> of that value and a byte
    /// array <c>Convert.FromBase64String(...)</c>. The configuration is whatever <c>IConfiguration</c>
    /// is in scope: a local, a parameter, a field, a property, a primary-constructor parameter, or
    /// the <c>Configuration</c> of a builder or app (<c>builder.Configuration</c> in top-level
    /// statements). A constant or private static readonly field that held the secret is removed once
    /// nothing uses it. No fix without an <c>IConfiguration</c> in scope.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP5003HardCodedSecretKeyCodeFix))]
    [Shared]
    public sealed class AP5003HardCodedSecretKeyCodeFix : CodeFixProvider
    {
        public const string ReadFromConfigurationKey = "AP5003.ReadFromConfiguration";

        private const string ConfigurationTypeName = "Microsoft.Extensions.Configuration.IConfiguration";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HardCodedSecretKey);

        // One pass per document: the fixes share using directives and the removal of a constant
        // that several uses referred to.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) =>
                await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (Plan(root, model, diagnostic, context.CancellationToken) is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Read the key from configuration",
                        ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                        ReadFromConfigurationKey),
                    diagnostic);
            }
        }

        private sealed class Edit
        {
            public Edit(ExpressionSyntax target, ExpressionSyntax replacement, string[] namespaces, ISymbol? declaration)
            {
                Target = target;
                Replacement = replacement;
                Namespaces = namespaces;
                Declaration = declaration;
            }

            public ExpressionSyntax Target { get; }

            public ExpressionSyntax Replacement { get; }

            public string[] Namespaces { get; }

            public ISymbol? Declaration { get; }
        }

        private static Edit? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(AP5003HardCodedSecretKeyAnalyzer.FormProperty, out var form)
                || !diagnostic.Properties.TryGetValue(AP5003HardCodedSecretKeyAnalyzer.ConfigurationKeyProperty, out var key)
                || form is null || key is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax target
                || target.Span != diagnostic.Location.SourceSpan)
            {
                return null;
            }

            var configuration = FindConfiguration(model, target, cancellationToken);
            if (configuration is null)
            {
                return null;
            }

            var value = ConfigurationValue(configuration, key);
            var namespaces = new List<string> { "System" };
            ExpressionSyntax replacement;
            switch (form)
            {
                case "Text":
                    replacement = SyntaxFactory.ParenthesizedExpression(value).WithAdditionalAnnotations(Simplifier.Annotation);
                    break;
                case "Utf8Bytes":
                    replacement = Call("global::System.Text.Encoding.UTF8.GetBytes", value);
                    namespaces.Add("System.Text");
                    break;
                case "Base64Bytes":
                    replacement = Call("global::System.Convert.FromBase64String", value);
                    break;
                case "HexBytes":
                    replacement = Call("global::System.Convert.FromHexString", value);
                    break;
                default:
                    return null;
            }

            ISymbol? declaration = null;
            if (diagnostic.Properties.ContainsKey(AP5003HardCodedSecretKeyAnalyzer.ViaDeclarationProperty))
            {
                declaration = model.GetSymbolInfo(target, cancellationToken).Symbol;
            }

            return new Edit(target, replacement.WithTriviaFrom(target).WithAdditionalAnnotations(Formatter.Annotation), namespaces.ToArray(), declaration);
        }

        private static ExpressionSyntax Call(string qualifiedMethod, ExpressionSyntax argument)
        {
            var method = (MemberAccessExpressionSyntax)SyntaxFactory.ParseExpression(qualifiedMethod);
            return SyntaxFactory.InvocationExpression(
                method.WithExpression(method.Expression.WithAdditionalAnnotations(Simplifier.Annotation)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))));
        }

        /// <summary><c>configuration["Key"] ?? throw new InvalidOperationException("Configuration value 'Key' is missing.")</c>.</summary>
        private static ExpressionSyntax ConfigurationValue(ExpressionSyntax configuration, string key)
        {
            var read = SyntaxFactory.ElementAccessExpression(
                configuration,
                SyntaxFactory.BracketedArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(key))))));
            var exception = SyntaxFactory.ObjectCreationExpression(
                SyntaxFactory.ParseTypeName("global::System.InvalidOperationException").WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("Configuration value '" + key + "' is missing."))))),
                null);
            return SyntaxFactory.BinaryExpression(SyntaxKind.CoalesceExpression, read, SyntaxFactory.ThrowExpression(exception));
        }

        /// <summary>
        /// An expression for the <c>IConfiguration</c> in scope at <paramref name="position"/>: a local
        /// declared before it or a parameter first, then a field, property or primary-constructor
        /// parameter (only in instance code), then the <c>Configuration</c> property of a builder or
        /// app held in any of those.
        /// </summary>
        private static ExpressionSyntax? FindConfiguration(SemanticModel model, ExpressionSyntax target, CancellationToken cancellationToken)
        {
            var configurationType = model.Compilation.GetTypeByMetadataName(ConfigurationTypeName);
            if (configurationType is null)
            {
                return null;
            }

            var position = target.SpanStart;
            var instanceContext = IsInstanceContext(model, target, cancellationToken);
            (int Rank, ExpressionSyntax Expression)? best = null;
            foreach (var symbol in model.LookupSymbols(position))
            {
                int rank;
                ITypeSymbol? type;
                switch (symbol)
                {
                    case ILocalSymbol local when local.DeclaringSyntaxReferences.Length == 1
                                                 && local.DeclaringSyntaxReferences[0].Span.End < position:
                        rank = 0;
                        type = local.Type;
                        break;
                    case IParameterSymbol parameter when parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.Constructor } || IsEnclosingConstructor(model, parameter, target, cancellationToken):
                        rank = 0;
                        type = parameter.Type;
                        break;
                    case IParameterSymbol parameter when instanceContext && parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor }:
                        // A primary-constructor parameter, captured by instance members.
                        rank = 1;
                        type = parameter.Type;
                        break;
                    case IFieldSymbol field when field.IsStatic || instanceContext:
                        rank = 1;
                        type = field.Type;
                        break;
                    case IPropertySymbol property when !property.IsIndexer && (property.IsStatic || instanceContext):
                        rank = 1;
                        type = property.Type;
                        break;
                    default:
                        continue;
                }

                ExpressionSyntax? expression = null;
                if (Implements(type, configurationType))
                {
                    expression = SyntaxFactory.IdentifierName(symbol.Name);
                }
                else if (type?.GetMembers("Configuration").OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && Implements(p.Type, configurationType)) != null)
                {
                    rank += 2;
                    expression = SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        SyntaxFactory.IdentifierName(symbol.Name),
                        SyntaxFactory.IdentifierName("Configuration"));
                }

                if (expression != null && (best is null || rank < best.Value.Rank))
                {
                    best = (rank, expression);
                }
            }

            return best?.Expression;
        }

        private static bool IsEnclosingConstructor(SemanticModel model, IParameterSymbol parameter, SyntaxNode target, CancellationToken cancellationToken)
        {
            var enclosing = model.GetEnclosingSymbol(target.SpanStart, cancellationToken);
            while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                enclosing = nested.ContainingSymbol;
            }

            return SymbolEqualityComparer.Default.Equals(enclosing, parameter.ContainingSymbol);
        }

        /// <summary>Code that runs with <c>this</c>: an instance method, accessor or constructor, not a
        /// static member nor a field initializer.</summary>
        private static bool IsInstanceContext(SemanticModel model, SyntaxNode target, CancellationToken cancellationToken)
        {
            var enclosing = model.GetEnclosingSymbol(target.SpanStart, cancellationToken);
            while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                if (nested.IsStatic)
                {
                    return false;
                }

                enclosing = nested.ContainingSymbol;
            }

            return enclosing is IMethodSymbol { IsStatic: false } method && method.ContainingType?.TypeKind != TypeKind.Interface;
        }

        private static bool Implements(ITypeSymbol? type, INamedTypeSymbol configurationType)
            => type != null
               && (SymbolEqualityComparer.Default.Equals(type, configurationType)
                   || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, configurationType)));

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var edits = new List<Edit>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (Plan(root, model, diagnostic, cancellationToken) is { } edit && !edits.Any(e => e.Target == edit.Target))
                {
                    edits.Add(edit);
                }
            }

            if (edits.Count == 0)
            {
                return document;
            }

            // Declarations that held a secret and may be left unused: private fields and constant locals.
            var declarations = new List<SyntaxNode>();
            foreach (var symbol in edits.Select(e => e.Declaration).Where(d => d != null).Distinct(SymbolEqualityComparer.Default))
            {
                if (RemovableDeclarator(symbol!, root.SyntaxTree, cancellationToken) is { } declarator)
                {
                    declarations.Add(declarator);
                }
            }

            var tracked = root.TrackNodes(edits.Select(e => (SyntaxNode)e.Target).Concat(declarations));
            foreach (var edit in edits)
            {
                if (tracked.GetCurrentNode(edit.Target) is { } current)
                {
                    tracked = tracked.ReplaceNode(current, edit.Replacement);
                }
            }

            foreach (var original in declarations)
            {
                if (tracked.GetCurrentNode(original) is VariableDeclaratorSyntax declarator && !IsStillUsed(declarator))
                {
                    tracked = RemoveDeclarator(tracked, declarator);
                }
            }

            if (tracked is CompilationUnitSyntax unit)
            {
                foreach (var ns in edits.SelectMany(e => e.Namespaces).Distinct())
                {
                    unit = UsingDirectives.Ensure(unit, ns, model);
                }

                tracked = unit;
            }

            return document.WithSyntaxRoot(tracked);
        }

        /// <summary>The declarator of a private field (of a type declared once) or of a constant local.</summary>
        private static VariableDeclaratorSyntax? RemovableDeclarator(ISymbol symbol, SyntaxTree tree, CancellationToken cancellationToken)
        {
            var removable = symbol switch
            {
                IFieldSymbol field => field.DeclaredAccessibility == Accessibility.Private
                                      && field.ContainingType.DeclaringSyntaxReferences.Length == 1,
                ILocalSymbol local => local.IsConst,
                _ => false,
            };
            if (!removable || symbol.DeclaringSyntaxReferences.Length != 1 || symbol.DeclaringSyntaxReferences[0].SyntaxTree != tree)
            {
                return null;
            }

            return symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) as VariableDeclaratorSyntax;
        }

        /// <summary>Whether the declared name still appears in the type (field) or block (local) that can see it.</summary>
        private static bool IsStillUsed(VariableDeclaratorSyntax declarator)
        {
            SyntaxNode? scope = declarator.Parent?.Parent is FieldDeclarationSyntax
                ? declarator.FirstAncestorOrSelf<TypeDeclarationSyntax>()
                : declarator.FirstAncestorOrSelf<BlockSyntax>() ?? (SyntaxNode?)declarator.FirstAncestorOrSelf<CompilationUnitSyntax>();
            if (scope is null)
            {
                return true;
            }

            var name = declarator.Identifier.ValueText;
            return scope.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name);
        }

        private static SyntaxNode RemoveDeclarator(SyntaxNode root, VariableDeclaratorSyntax declarator)
        {
            if (declarator.Parent is not VariableDeclarationSyntax declaration)
            {
                return root;
            }

            if (declaration.Variables.Count > 1)
            {
                return root.RemoveNode(declarator, SyntaxRemoveOptions.KeepNoTrivia) ?? root;
            }

            SyntaxNode? statement = declaration.Parent switch
            {
                FieldDeclarationSyntax field => field,
                LocalDeclarationStatementSyntax local when local.Parent is BlockSyntax => local,
                _ => null,
            };
            if (statement is null)
            {
                return root;
            }

            // A blank line that separated the removed declaration from the next one goes with it.
            var next = statement.GetLastToken().GetNextToken();
            var nextLeading = next.LeadingTrivia;
            if (nextLeading.Count > 0 && nextLeading[0].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                root = root.ReplaceToken(next, next.WithLeadingTrivia(nextLeading.RemoveAt(0)));
                statement = root.FindNode(statement.Span, getInnermostNodeForTie: false);
                while (statement != null && statement is not FieldDeclarationSyntax && statement is not LocalDeclarationStatementSyntax)
                {
                    statement = statement.Parent;
                }

                if (statement is null)
                {
                    return root;
                }
            }

            return root.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives) ?? root;
        }
    }
}
