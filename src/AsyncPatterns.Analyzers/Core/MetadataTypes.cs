using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// Finds a framework type by metadata name in the assembly that defines it, one per compilation.
    /// </summary>
    /// <remarks>
    /// <see cref="Compilation.GetTypeByMetadataName"/> asks every referenced assembly (a few hundred
    /// in an ASP.NET Core app) and caches nothing: about 80 µs a call, and every rule resolves its
    /// types in every compilation. The assembly a framework type lives in is stable, so it is asked
    /// first. The source assembly still comes first, as for the compiler, and a type not found where
    /// expected (another target framework, a type moved between versions) falls back to the full
    /// search: the home assembly only makes the lookup cheaper, never different for a type defined
    /// once. (When two references define the same type the compiler's lookup gives up; this one
    /// takes the home assembly's, which is the one user code means.)
    /// </remarks>
    internal sealed class MetadataTypes
    {
        /// <summary>The assembly <c>System.Object</c> comes from: <c>System.Runtime</c> in .NET's
        /// reference assemblies, <c>mscorlib</c> or <c>netstandard</c> elsewhere.</summary>
        public const string CoreLibrary = "";

        private readonly Compilation _compilation;
        private Dictionary<string, IAssemblySymbol>? _assemblies;
        private int _fallbacks;

        public MetadataTypes(Compilation compilation) => _compilation = compilation;

        /// <summary>Lookups that missed the home assembly and searched every reference (tests keep
        /// the home assemblies right with this).</summary>
        public int Fallbacks => _fallbacks;

        public INamedTypeSymbol? Find(string metadataName, string homeAssembly)
        {
            var inSource = _compilation.Assembly.GetTypeByMetadataName(metadataName);
            if (inSource != null)
            {
                return inSource;
            }

            var home = homeAssembly.Length == 0 ? _compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly : Assembly(homeAssembly);
            if (home?.GetTypeByMetadataName(metadataName) is { DeclaredAccessibility: Accessibility.Public } type)
            {
                return type;
            }

            System.Threading.Interlocked.Increment(ref _fallbacks);
            return _compilation.GetTypeByMetadataName(metadataName);
        }

        private IAssemblySymbol? Assembly(string name)
        {
            var assemblies = _assemblies;
            if (assemblies == null)
            {
                // Two threads may both build it; they build the same map, and one is kept.
                assemblies = new Dictionary<string, IAssemblySymbol>(System.StringComparer.Ordinal);
                foreach (var assembly in _compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    assemblies[assembly.Identity.Name] = assembly;
                }

                assemblies = System.Threading.Interlocked.CompareExchange(ref _assemblies, assemblies, null) ?? assemblies;
            }

            return assemblies.TryGetValue(name, out var found) ? found : null;
        }
    }
}
