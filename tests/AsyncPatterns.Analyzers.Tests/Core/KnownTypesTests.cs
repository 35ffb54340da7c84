using System.Reflection;
using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>The framework types are looked up in their home assembly first (see
/// <see cref="MetadataTypes"/>): that must find the very symbol the compiler's own lookup finds,
/// and, against the reference assemblies the rules are written for, never miss the home assembly
/// (a miss is correct but pays the full search).</summary>
public class KnownTypesTests
{
    private static readonly CSharpCompilation Compilation = CSharpCompilation.Create(
        "T", [CSharpSyntaxTree.ParseText("class C { }")], ReferenceSet.Full.References);

    public static TheoryData<string> Properties()
    {
        var data = new TheoryData<string>();
        foreach (var property in TypeProperties())
        {
            data.Add(property.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void EveryType_IsTheCompilersSymbol_FoundInItsHomeAssembly(string name)
    {
        var types = KnownTypes.Create(Compilation);
        var type = (INamedTypeSymbol?)typeof(KnownTypes).GetProperty(name)!.GetValue(types);

        Assert.NotNull(type);
        var metadataName = type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;
        Assert.Equal(Compilation.GetTypeByMetadataName(metadataName), type, SymbolEqualityComparer.Default);
        Assert.True(types.Lookups.Fallbacks == 0, $"{name} is defined in '{type.ContainingAssembly.Identity.Name}', not in the home assembly KnownTypes names");
    }

    [Fact]
    public void CookieAndSecretTypes_AreTheCompilersSymbols_FoundInTheirHomeAssemblies()
    {
        var cookies = CookieConfiguration.Create(Compilation)!;
        var secrets = SecretLiterals.Create(Compilation)!;

        var absent = CheckAll(cookies) + CheckAll(secrets);

        // A type the compilation does not reference at all is searched everywhere, and not found.
        Assert.Equal(absent, cookies.Lookups.Fallbacks + secrets.Lookups.Fallbacks);
    }

    [Fact]
    public void SourceTypes_ComeFirst_AsForTheCompiler()
    {
        var compilation = CSharpCompilation.Create(
            "T", [CSharpSyntaxTree.ParseText("namespace Microsoft.EntityFrameworkCore { public class DbContext { } }")], ReferenceSet.Full.References);

        var type = KnownTypes.Create(compilation).DbContext;

        Assert.NotNull(type);
        Assert.Equal(compilation.Assembly, type.ContainingAssembly, SymbolEqualityComparer.Default);
    }

    [Fact]
    public void MissingHomeAssembly_FallsBackToTheFullSearch()
    {
        var lookups = new MetadataTypes(Compilation);

        var type = lookups.Find("Microsoft.EntityFrameworkCore.DbContext", "NotThere");

        Assert.Equal(Compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext"), type, SymbolEqualityComparer.Default);
        Assert.Equal(1, lookups.Fallbacks);
    }

    /// <summary>Every type property equals the compiler's lookup; returns how many are absent.</summary>
    private static int CheckAll(object holder)
    {
        var absent = 0;
        foreach (var property in holder.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(INamedTypeSymbol)))
        {
            if (property.GetValue(holder) is not INamedTypeSymbol type)
            {
                absent++;
                continue;
            }

            var metadataName = type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;
            Assert.Equal(Compilation.GetTypeByMetadataName(metadataName), type, SymbolEqualityComparer.Default);
        }

        return absent;
    }

    private static IEnumerable<PropertyInfo> TypeProperties()
        => typeof(KnownTypes).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(INamedTypeSymbol))
            .OrderBy(p => p.Name, StringComparer.Ordinal);
}
