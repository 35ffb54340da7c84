using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using Verify = AsyncPatterns.Analyzers.Tests.Verification.CSharpAnalyzerVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1001StaticDbContextAnalyzer>;

namespace AsyncPatterns.Analyzers.Tests.Configuration;

/// <summary>The option readers of Core/TreeOptions.cs, and async_patterns.dbcontext_types end to end
/// (through AP1001, whose shape is the simplest: a static member whose type is a context).</summary>
public class TreeOptionsTests
{
    [Theory]
    [InlineData("true", true, true)]
    [InlineData("FALSE", true, false)]
    [InlineData("yes", false, false)]
    [InlineData("", false, false)]
    public void Boolean_Parses(string text, bool ok, bool value)
    {
        Assert.Equal(ok, BooleanTreeOption.TryParseBoolean(text, out var parsed));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData(null, true, 0)]
    [InlineData("LockRow", true, 1)]
    [InlineData(" MyRepo.LockAccountAsync , LockRow,,", true, 2)]
    [InlineData("Shop.Data.Repo.Lock; Other", true, 2)]
    [InlineData("Lock()", false, 0)]
    [InlineData("Repo..Lock", false, 0)]
    [InlineData("Repo.Lock, 1x", false, 0)]
    public void LockMethods_TryParse(string? text, bool ok, int count)
    {
        Assert.Equal(ok, LockMethodSet.TryParse(text, out var set));
        Assert.Equal(count == 0, set.IsEmpty);
    }

    [Theory]
    [InlineData(null, null, 0)]
    [InlineData("  ", null, 0)]
    [InlineData("MyApp.IUnitOfWork", null, 1)]
    [InlineData("MyApp.ContextBase`1, MyApp.Outer+IInner;MyApp.X", null, 3)]
    [InlineData("MyApp.IDb<T>", "MyApp.IDb<T>", 0)]
    [InlineData("MyApp.Good, bad name", "MyApp.Good, bad name", 0)]
    public void DbContextTypes_Parse(string? text, string? invalid, int count)
    {
        var option = DbContextTypesOption.Parse(text);
        Assert.Equal(invalid, option.Invalid);
        Assert.Equal(count, option.Names.Length);
    }

    private const string Source = """
        using Microsoft.EntityFrameworkCore;

        namespace MyApp.Data
        {
            public interface IUnitOfWork { int SaveChanges(); }

            public class ShopContext : DbContext, IUnitOfWork { }

            public class Repository
            {
                private static IUnitOfWork {|#0:_uow|};
            }
        }
        """;

    private static CSharpAnalyzerTest<AP1001StaticDbContextAnalyzer> ContextTypesTest(string? path, string? config, bool reported)
    {
        var test = new CSharpAnalyzerTest<AP1001StaticDbContextAnalyzer> { TestCode = reported ? Source : Source.Replace("{|#0:_uow|}", "_uow") };
        if (path is not null && config is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add((path, config));
        }

        if (reported)
        {
            test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0));
        }

        return test;
    }

    [Fact]
    public async Task DbContextTypes_Global_InterfaceTreatedAsContext()
        => await ContextTypesTest("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = MyApp.Data.IUnitOfWork\n", reported: true).RunAsync();

    [Fact]
    public async Task DbContextTypes_EditorConfig_InterfaceTreatedAsContext()
        => await ContextTypesTest("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.dbcontext_types = MyApp.Data.IUnitOfWork\n", reported: true).RunAsync();

    [Fact]
    public async Task DbContextTypes_Absent_InterfaceIsNotAContext()
        => await ContextTypesTest(null, null, reported: false).RunAsync();

    [Fact]
    public async Task DbContextTypes_UnknownType_Ignored()
        => await ContextTypesTest("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = Other.Project.IDb\n", reported: false).RunAsync();

    [Fact]
    public async Task DbContextTypes_Invalid_FallsBackToNone()
        => await ContextTypesTest("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = MyApp.Data.IUnitOfWork, not valid\n", reported: false).RunAsync();

    [Fact]
    public async Task DbContextTypes_BaseClassTreatedAsContext()
    {
        // A base class of the user's own that does not derive from DbContext (a wrapper).
        var test = new CSharpAnalyzerTest<AP1001StaticDbContextAnalyzer>
        {
            TestCode = """
                using Microsoft.EntityFrameworkCore;
                namespace MyApp.Data
                {
                    public abstract class DataSession { }
                    public sealed class OrdersSession : DataSession { }
                    public class Repository { private static OrdersSession {|#0:_session|}; }
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = MyApp.Data.DataSession\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task DbContextTypes_WithoutEfCore_RulesStaySilent()
    {
        // Configured types alone do not enable the EF rules.
        var test = new CSharpAnalyzerTest<AP1001StaticDbContextAnalyzer>
        {
            TestCode = """
                namespace MyApp.Data
                {
                    public abstract class DataSession { }
                    public class Repository { private static DataSession _session; }
                }
                """,
            References = ReferenceSet.NetOnly,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = MyApp.Data.DataSession\n"));
        await test.RunAsync();
    }
}
