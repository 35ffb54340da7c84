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

    [Fact]
    public void MinimalName_IsWhatTheMinimallyQualifiedFormatWrites()
    {
        const string Source = """
            #nullable enable
            using System.Collections.Generic;
            namespace Shop.Data
            {
                public class ShopContext { }
                public class @event { }
                public struct Point { }
                public interface IStore { }
                public class Box<T> { }
                public class Outer { public class Inner { } public class Gen<T> { } }
                public class Uses
                {
                    public ShopContext? MaybeContext;
                    public ShopContext Context = null!;
                    public @event Event = null!;
                    public Point Point;
                    public Point? MaybePoint;
                    public IStore Store = null!;
                    public Box<ShopContext> Box = null!;
                    public Outer.Inner Inner = null!;
                    public Outer.Gen<int> Gen = null!;
                    public int Number;
                    public string Text = "";
                    public List<int>? Numbers;
                    public Missing Unknown = null!;
                }
            }
            """;
        var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText(Source)], ReferenceSet.NetOnly.References);
        var fields = compilation.GetTypeByMetadataName("Shop.Data.Uses")!.GetMembers().OfType<IFieldSymbol>().ToList();

        Assert.Equal(13, fields.Count);
        foreach (var field in fields)
        {
            Assert.Equal(field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), field.Type.MinimalName());
        }
    }
}
