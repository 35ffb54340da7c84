using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncPatterns.Analyzers.Core
{
    internal static class SymbolExtensions
    {
        // Both walks start from the type's definition: a constructed type (List<Order>) computes its
        // base types and interfaces by substitution, per instance, and these checks run on the types
        // of most expressions of a compilation. The definitions' lists are computed once; which
        // definitions a type derives from or implements does not depend on its type arguments.
        public static bool InheritsFromOrEquals(this ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            if (type is null || baseType is null)
            {
                return false;
            }

            for (var current = type.OriginalDefinition; current != null; current = current.BaseType?.OriginalDefinition)
            {
                if (IsSameDefinition(current, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        public static bool Implements(this ITypeSymbol? type, INamedTypeSymbol? interfaceType)
        {
            if (type is null || interfaceType is null)
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            if (IsSameDefinition(definition, interfaceType))
            {
                return true;
            }

            foreach (var candidate in definition.AllInterfaces)
            {
                if (IsSameDefinition(candidate.OriginalDefinition, interfaceType))
                {
                    return true;
                }
            }

            return false;
        }

        public static bool IsType(this ITypeSymbol? type, INamedTypeSymbol? other)
            => type != null && other != null && IsSameDefinition(type.OriginalDefinition, other);

        /// <summary>
        /// Whether two type definitions are one. The second is always a type the compilation resolved
        /// by metadata name: a definition, never an error type. Two distinct definitions are never
        /// equal under <see cref="SymbolEqualityComparer.Default"/>, and the compiler hands out one
        /// public symbol per definition (a definition carries no nullable annotation), so identity
        /// is the same answer as the comparer's, without its chain of interface calls on the
        /// unequal pairs that make up nearly every test.
        /// </summary>
        private static bool IsSameDefinition(ITypeSymbol definition, INamedTypeSymbol other)
            => ReferenceEquals(definition, other);

        /// <summary>
        /// What <c>ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)</c> writes, without
        /// the display machinery (about 40 µs a call) in the common case of a message naming a
        /// context class: a plain, non-generic type whose name is not a keyword.
        /// </summary>
        public static string MinimalName(this ITypeSymbol type)
            => type is INamedTypeSymbol { IsGenericType: false, TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface, SpecialType: SpecialType.None, NullableAnnotation: not NullableAnnotation.Annotated } named
               && SyntaxFacts.GetKeywordKind(named.Name) == SyntaxKind.None
                ? named.Name
                : type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

        public static bool IsContainedIn(this ISymbol? symbol, INamedTypeSymbol? type)
            => type != null && symbol?.ContainingType is { } containingType
               && IsSameDefinition(containingType.OriginalDefinition, type);

        /// <summary>
        /// Whether the namespace is <paramref name="fullName"/> (<c>"System.Linq"</c>), compared name
        /// by name: unlike <c>ToDisplayString()</c> it allocates nothing, which matters on paths that
        /// run for every invocation of a compilation.
        /// </summary>
        public static bool HasFullName(this INamespaceSymbol? ns, string fullName)
        {
            var end = fullName.Length;
            for (var current = ns; current != null && !current.IsGlobalNamespace; current = current.ContainingNamespace)
            {
                var name = current.Name;
                var start = end - name.Length;
                if (start < 0 || string.CompareOrdinal(fullName, start, name, 0, name.Length) != 0)
                {
                    return false;
                }

                if (start == 0)
                {
                    return current.ContainingNamespace is null || current.ContainingNamespace.IsGlobalNamespace;
                }

                if (fullName[start - 1] != '.')
                {
                    return false;
                }

                end = start - 1;
            }

            return false;
        }

        /// <summary>The method's parameter that receives the instance of a reduced or static extension call.</summary>
        public static IMethodSymbol Unreduced(this IMethodSymbol method) => method.ReducedFrom ?? method;
    }
}
