using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncPatterns.Analyzers.Tests.Core;

public class SymbolExtensionsTests
{
    [Theory]
    [InlineData("System.Linq.Enumerable", "System.Linq", true)]
    [InlineData("System.Linq.Enumerable", "Linq", false)]
    [InlineData("System.Linq.Enumerable", "System", false)]
    [InlineData("System.Linq.Enumerable", "System.Linq.Expressions", false)]
    [InlineData("System.Linq.Enumerable", "XSystem.Linq", false)]
    [InlineData("System.Linq.Enumerable", "", false)]
    [InlineData("Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry", "Microsoft.EntityFrameworkCore.ChangeTracking", true)]
    [InlineData("Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry", "EntityFrameworkCore.ChangeTracking", false)]
    [InlineData("Microsoft.EntityFrameworkCore.DbContext", "Microsoft.EntityFrameworkCore.ChangeTracking", false)]
    public void HasFullName_ComparesEveryPart(string typeName, string namespaceName, bool expected)
    {
        var compilation = CSharpCompilation.Create("T", references: ReferenceSet.Full.References);
        var type = compilation.GetTypeByMetadataName(typeName);
        Assert.NotNull(type);
        Assert.Equal(expected, type.ContainingNamespace.HasFullName(namespaceName));
        Assert.Equal(expected, type.ContainingNamespace.ToDisplayString() == namespaceName);
    }

    [Fact]
    public void HasFullName_GlobalNamespaceAndNull_AreNothing()
    {
        var compilation = CSharpCompilation.Create("T", new[] { CSharpSyntaxTree.ParseText("class C { }") });
        Assert.False(compilation.GlobalNamespace.HasFullName(""));
        Assert.False(compilation.GlobalNamespace.HasFullName("System"));
        Assert.False(((INamespaceSymbol?)null).HasFullName("System"));
    }
}
