using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Lifetime
{
    /// <summary>
    /// AP1001: a DbContext (or a wrapper holding one: Lazy, ThreadLocal, AsyncLocal, arrays, lists)
    /// kept in a static field or property. A context is not thread-safe and is meant for one unit
    /// of work (https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues);
    /// static state shares it across every request and thread.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP1001StaticDbContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the context type's name, for the fix's parameter name.</summary>
        public const string ContextTypeProperty = "ContextType";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP1001StaticDbContext);

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

                start.RegisterSymbolAction(symbolContext => AnalyzeMember(symbolContext, model), SymbolKind.Field, SymbolKind.Property);
            });
        }

        private static void AnalyzeMember(SymbolAnalysisContext context, DataAccessModel model)
        {
            var member = context.Symbol;
            if (!member.IsStatic || member.IsImplicitlyDeclared)
            {
                return;
            }

            ITypeSymbol type;
            switch (member)
            {
                case IFieldSymbol field:
                    if (field.IsConst)
                    {
                        return;
                    }

                    type = field.Type;
                    break;
                case IPropertySymbol property:
                    if (property.IsIndexer || !HoldsState(property))
                    {
                        return;
                    }

                    type = property.Type;
                    break;
                default:
                    return;
            }

            if (!model.HoldsDbContext(type))
            {
                return;
            }

            var contextType = ContextTypeIn(model, type);
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var location = IdentifierLocation(reference.GetSyntax(context.CancellationToken));
                if (location is null)
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty.Add(ContextTypeProperty, contextType?.Name);
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1001StaticDbContext,
                    location,
                    properties,
                    member.Name,
                    contextType?.MinimalName() ?? "the context"));
            }
        }

        /// <summary>
        /// An auto-property stores a value; so does a property with a setter. A get-only property
        /// with a body computes its value (often from a static field, which is reported itself).
        /// </summary>
        private static bool HoldsState(IPropertySymbol property)
        {
            if (property.SetMethod is not null)
            {
                return true;
            }

            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }
                    && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null))
                {
                    return true;
                }
            }

            return false;
        }

        private static ITypeSymbol? ContextTypeIn(DataAccessModel model, ITypeSymbol? type)
        {
            for (var depth = 0; type != null && depth < 4; depth++)
            {
                if (model.IsDbContextType(type))
                {
                    return type;
                }

                switch (type)
                {
                    case IArrayTypeSymbol array:
                        type = array.ElementType;
                        continue;
                    case INamedTypeSymbol named:
                        foreach (var argument in named.TypeArguments)
                        {
                            if (model.IsDbContextType(argument))
                            {
                                return argument;
                            }
                        }

                        return null;
                    default:
                        return null;
                }
            }

            return null;
        }

        private static Location? IdentifierLocation(SyntaxNode syntax) => syntax switch
        {
            VariableDeclaratorSyntax declarator => declarator.Identifier.GetLocation(),
            PropertyDeclarationSyntax property => property.Identifier.GetLocation(),
            _ => null,
        };
    }
}
