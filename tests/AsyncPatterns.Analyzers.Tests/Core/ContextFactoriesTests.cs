using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Core;

// The factory members of a type are listed once per type, for every context type: what is found
// must still depend on the context type asked for, on staticness and on a base member's access.
public class ContextFactoriesTests
{
    private const string Source = """
        using Microsoft.EntityFrameworkCore;

        class ShopContext : DbContext { }
        class AuditContext : DbContext { }

        class Base
        {
            private readonly IDbContextFactory<AuditContext> _hidden = null!;
            protected IDbContextFactory<ShopContext> Shared { get; } = null!;
        }

        class Service : Base
        {
            private readonly IDbContextFactory<AuditContext> _audits = null!;
            private static IDbContextFactory<ShopContext> s_static = null!;

            void Work(ShopContext shop, AuditContext audit)
            {
                Marker(shop);
                Marker(audit);
            }

            static void Helper(ShopContext shop) => Marker(shop);

            static void Marker(DbContext context) { }
        }

        class Derived : Service
        {
            void More(AuditContext audit) => Marker(audit);
            static void Marker(DbContext context) { }
        }
        """;

    [Theory]
    [InlineData("Work", "shop", "Shared")] // a protected member of a base class
    [InlineData("Work", "audit", "_audits")] // the same type's factory of the other context
    [InlineData("Helper", "shop", null)] // static code sees no instance member
    [InlineData("More", "audit", null)] // a private member of a base class is out of reach
    public void FindReachable_ByContextTypeStaticnessAndAccess(string method, string argument, string? expected)
    {
        var (model, semanticModel) = Compile();
        var (operation, containing, contextType) = Call(semanticModel, method, argument);
        Assert.Equal(expected, ContextFactories.FindReachable(model, operation, containing, contextType)?.Name);
    }

    [Fact]
    public void FindReachable_AskedAgainForAnotherContextOfTheSameType()
    {
        // One model: the second question is answered from the list the first one made.
        var (model, semanticModel) = Compile();
        var (shopCall, containing, shopType) = Call(semanticModel, "Work", "shop");
        var (auditCall, _, auditType) = Call(semanticModel, "Work", "audit");
        Assert.Equal("Shared", ContextFactories.FindReachable(model, shopCall, containing, shopType)?.Name);
        Assert.Equal("_audits", ContextFactories.FindReachable(model, auditCall, containing, auditType)?.Name);
        Assert.Equal("Shared", ContextFactories.FindReachable(model, shopCall, containing, shopType)?.Name);
    }

    [Theory]
    [InlineData("Repository", "Factory")] // a base from an assembly that references EF Core
    [InlineData("Holding", "Value")] // a generic base from one that does not, given the factory as its type argument
    [InlineData("Plain", null)] // a base from one that does not
    public void FindReachable_InMembersOfBasesFromMetadata(string type, string? expected)
    {
        const string plain = """
            public class PlainBase { public object Service { get; } = new object(); }
            public class Holder<T> { public T Value = default!; }
            """;
        const string data = """
            using Microsoft.EntityFrameworkCore;
            public class ShopContext : DbContext { }
            public class RepositoryBase : PlainBase { protected IDbContextFactory<ShopContext> Factory { get; } = null!; }
            """;
        const string user = """
            using Microsoft.EntityFrameworkCore;
            class Repository : RepositoryBase { void Work(ShopContext shop) => Marker(shop); static void Marker(DbContext context) { } }
            class Holding : Holder<IDbContextFactory<ShopContext>> { void Work(ShopContext shop) => Marker(shop); static void Marker(DbContext context) { } }
            class Plain : PlainBase { void Work(ShopContext shop) => Marker(shop); static void Marker(DbContext context) { } }
            """;
        var plainImage = Emit("Plain", plain, ReferenceSet.NetOnly.References);
        var dataImage = Emit("Data", data, ReferenceSet.Full.References.Add(plainImage));
        var compilation = CSharpCompilation.Create(
            "User",
            new[] { CSharpSyntaxTree.ParseText(user) },
            ReferenceSet.Full.References.Add(plainImage).Add(dataImage),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var semanticModel = compilation.GetSemanticModel(compilation.SyntaxTrees[0]);
        var declaration = semanticModel.SyntaxTree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.Text == type)
            .DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Work");
        var call = declaration.DescendantNodes().OfType<InvocationExpressionSyntax>().Single();
        var contextType = semanticModel.GetTypeInfo(call.ArgumentList.Arguments[0].Expression).Type!;
        var found = ContextFactories.FindReachable(DataAccessModel.Create(compilation)!, semanticModel.GetOperation(call)!, semanticModel.GetDeclaredSymbol(declaration)!, contextType);
        Assert.Equal(expected, found?.Name);
    }

    private static MetadataReference Emit(string name, string source, System.Collections.Immutable.ImmutableArray<MetadataReference> references)
    {
        var library = CSharpCompilation.Create(name, new[] { CSharpSyntaxTree.ParseText(source) }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = library.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static (DataAccessModel Model, SemanticModel SemanticModel) Compile()
    {
        var compilation = CSharpCompilation.Create(
            "T",
            new[] { CSharpSyntaxTree.ParseText(Source) },
            ReferenceSet.Full.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (DataAccessModel.Create(compilation)!, compilation.GetSemanticModel(compilation.SyntaxTrees[0]));
    }

    private static (IOperation Operation, ISymbol Containing, ITypeSymbol ContextType) Call(SemanticModel semanticModel, string method, string argument)
    {
        var declaration = semanticModel.SyntaxTree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == method);
        var call = declaration.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Single(i => i.ArgumentList.Arguments[0].ToString() == argument);
        var contextType = semanticModel.GetTypeInfo(call.ArgumentList.Arguments[0].Expression).Type!;
        return (semanticModel.GetOperation(call)!, semanticModel.GetDeclaredSymbol(declaration)!, contextType);
    }
}
