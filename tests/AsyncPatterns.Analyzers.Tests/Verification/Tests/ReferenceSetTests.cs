using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpAnalyzerVerifier<
    AsyncPatterns.Analyzers.Tests.Verification.Tests.BadFieldAnalyzer>;

namespace AsyncPatterns.Analyzers.Tests.Verification.Tests;

public class ReferenceSetTests
{
    private const string EfAndAspNetCode = """
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        public class Shop : DbContext
        {
            public Shop(DbContextOptions<Shop> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
        }

        public class Order { public int Id { get; set; } }

        public static class Endpoints
        {
            public static async Task<int> CountAsync(Shop db, HttpContext http)
            {
                await http.Session.LoadAsync(http.RequestAborted);
                return await db.Orders.Where(o => o.Id > 0).CountAsync(http.RequestAborted);
            }

            public static IServiceCollection Register(IServiceCollection services)
                => services.AddDbContext<Shop>();
        }
        """;

    [Fact]
    public void ReferenceList_IsWrittenAndHoldsNoTestInfrastructure()
    {
        var paths = ReferenceSet.AllPaths;
        Assert.Contains(paths, p => p.EndsWith("Microsoft.EntityFrameworkCore.dll", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("Microsoft.EntityFrameworkCore.Relational.dll", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("Microsoft.AspNetCore.Http.Abstractions.dll", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("System.Runtime.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(paths, p => Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => Path.GetFileName(p).StartsWith("AsyncPatterns", StringComparison.Ordinal));
        Assert.All(paths, p => Assert.True(File.Exists(p), p));
    }

    [Fact]
    public Task Full_CompilesEfCoreAndAspNetCoreCode()
        => VerifyCS.VerifyAnalyzerAsync(EfAndAspNetCode);

    [Fact]
    public async Task NetOnly_HasNoEfCoreAndNoAspNetCore()
    {
        Assert.DoesNotContain(ReferenceSet.NetOnly.References, r => r.Display!.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(ReferenceSet.NetOnly.References, r => r.Display!.Contains("AspNetCore", StringComparison.Ordinal));
        Assert.True(ReferenceSet.NetOnly.References.Length > 100);

        var test = new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestCode = """
                using Microsoft.{|CS0234:EntityFrameworkCore|};
                using Microsoft.{|CS0234:AspNetCore|}.Http;
                class C { }
                """,
            References = ReferenceSet.NetOnly,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task PartialSets()
    {
        await new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestCode = "using Microsoft.EntityFrameworkCore; using Microsoft.Extensions.DependencyInjection; class C : DbContext { }",
            References = ReferenceSet.NetAndEfCore,
        }.RunAsync();
        await new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestCode = "using Microsoft.{|CS0234:EntityFrameworkCore|}; using Microsoft.AspNetCore.Http; class C { ISession? S; }",
            References = ReferenceSet.NetAndAspNetCore,
        }.RunAsync();
    }
}
