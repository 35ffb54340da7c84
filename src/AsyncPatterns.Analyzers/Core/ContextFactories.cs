using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// Where code can get a fresh context of a given type: an <c>IDbContextFactory&lt;T&gt;</c>
    /// parameter of the enclosing functions, a field or property of the containing type, or a
    /// primary-constructor parameter. Used by fixes that give each operation its own context.
    /// </summary>
    internal static class ContextFactories
    {
        /// <summary>
        /// The factory of <paramref name="contextType"/> reachable at <paramref name="operation"/>
        /// (a parameter, field, property or primary-constructor parameter), or <c>null</c>.
        /// Instance members and primary-constructor parameters count only in instance code.
        /// </summary>
        public static ISymbol? FindReachable(DataAccessModel model, IOperation operation, ISymbol containingSymbol, ITypeSymbol contextType)
        {
            var semanticModel = operation.SemanticModel;
            if (semanticModel is null || model.Types.DbContextFactory is null)
            {
                return null;
            }

            var isStatic = false;
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                var function = current switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation local => local.Symbol,
                    _ => null,
                };
                if (function is null)
                {
                    continue;
                }

                var parameter = FindParameter(model, function, contextType);
                if (parameter != null)
                {
                    return parameter;
                }

                isStatic |= function.IsStatic;
            }

            // The member the driver hands out with the operation: the same one a semantic-model lookup
            // at the operation finds, once past lambdas and local functions, without the lookup.
            ISymbol? member = containingSymbol;
            while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } nested)
            {
                member = nested.ContainingSymbol;
            }

            if (member is IMethodSymbol method)
            {
                var parameter = FindParameter(model, method, contextType);
                if (parameter != null)
                {
                    return parameter;
                }
            }

            if (member is null || member.IsStatic || isStatic || member.ContainingType is not { } type)
            {
                return null;
            }

            foreach (var candidate in model.FactoryMembers(type, FactoryMembersOf))
            {
                if (IsFactoryOf(model, MemberType(candidate), contextType)
                    && (SymbolEqualityComparer.Default.Equals(candidate.ContainingType, type) || candidate.DeclaredAccessibility != Accessibility.Private))
                {
                    return candidate;
                }
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is TypeDeclarationSyntax)
                    {
                        var parameter = FindParameter(model, constructor, contextType);
                        if (parameter != null)
                        {
                            return parameter;
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The instance fields and properties of the type and its bases whose type is a factory of
        /// any context, most derived first: what <see cref="FindReachable"/> searches, for every context type.
        /// </summary>
        private static ImmutableArray<ISymbol> FactoryMembersOf(DataAccessModel model, INamedTypeSymbol type)
        {
            ImmutableArray<ISymbol>.Builder? members = null;
            foreach (var candidate in MayDeclareFactoryMembers(model, type) ? type.GetMembers() : ImmutableArray<ISymbol>.Empty)
            {
                if (!candidate.IsStatic && MemberType(candidate) is INamedTypeSymbol candidateType && IsAnyFactory(model, candidateType))
                {
                    (members ??= ImmutableArray.CreateBuilder<ISymbol>()).Add(candidate);
                }
            }

            // The base type's list is cached too: the controllers of a code base share ControllerBase's
            // hundreds of members, which are then read once, not once per controller.
            var inherited = type.BaseType is { } baseType ? model.FactoryMembers(baseType, FactoryMembersOf) : ImmutableArray<ISymbol>.Empty;
            if (members is null)
            {
                return inherited;
            }

            members.AddRange(inherited);
            return members.ToImmutable();
        }

        /// <summary>
        /// Whether the type's own members can be typed by a factory: not when it comes from an assembly
        /// that neither is EF Core's nor references it (ControllerBase, PageModel, object), unless type
        /// arguments could bring one in. Such bases sit under most types of a web code base, and reading
        /// the types of their hundreds of members decodes each from metadata.
        /// </summary>
        private static bool MayDeclareFactoryMembers(DataAccessModel model, INamedTypeSymbol type)
        {
            // Source types (the compilation references EF Core) answer at once; the few metadata bases
            // list their assembly's references once each.
            var factoryAssembly = model.Types.DbContextFactory?.ContainingAssembly;
            var locations = type.Locations;
            if (factoryAssembly is null || locations.IsEmpty || locations[0].IsInSource
                || type.IsGenericType || type.ContainingType != null || type.ContainingAssembly is not { } assembly
                || SymbolEqualityComparer.Default.Equals(assembly, factoryAssembly))
            {
                return true;
            }

            foreach (var module in assembly.Modules)
            {
                foreach (var referenced in module.ReferencedAssemblySymbols)
                {
                    if (SymbolEqualityComparer.Default.Equals(referenced, factoryAssembly))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private static bool IsAnyFactory(DataAccessModel model, INamedTypeSymbol type)
        {
            if (type.OriginalDefinition.IsType(model.Types.DbContextFactory))
            {
                return true;
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (candidate.OriginalDefinition.IsType(model.Types.DbContextFactory))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the type is <c>IDbContextFactory&lt;T&gt;</c> (or implements it) for exactly this context type.</summary>
        public static bool IsFactoryOf(DataAccessModel model, ITypeSymbol? type, ITypeSymbol contextType)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            if (named.OriginalDefinition.IsType(model.Types.DbContextFactory))
            {
                return SymbolEqualityComparer.Default.Equals(named.TypeArguments[0], contextType);
            }

            foreach (var candidate in named.AllInterfaces)
            {
                if (candidate.OriginalDefinition.IsType(model.Types.DbContextFactory)
                    && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], contextType))
                {
                    return true;
                }
            }

            return false;
        }

        private static IParameterSymbol? FindParameter(DataAccessModel model, IMethodSymbol method, ITypeSymbol contextType)
        {
            foreach (var parameter in method.Parameters)
            {
                if (IsFactoryOf(model, parameter.Type, contextType))
                {
                    return parameter;
                }
            }

            return null;
        }
    }
}
