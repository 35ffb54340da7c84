using AsyncPatterns.Analyzers.Tasks;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Tasks;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Tasks.AP3002SyncEfIoInAsyncMethodAnalyzer,
    AsyncPatterns.CodeFixes.Tasks.AP3002SyncEfIoInAsyncMethodCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Tasks;

public class AP3002SyncEfIoInAsyncMethodTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Model = """

        public class Order
        {
            public int Id { get; set; }
            public bool Open { get; set; }
            public decimal Total { get; set; }
            public List<Line> Lines { get; set; } = new();
        }

        public class Line
        {
            public int Id { get; set; }
            public int OrderId { get; set; }
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }

            public DbSet<Order> Orders => Set<Order>();
            public DbSet<Line> Lines => Set<Line>();
        }
        """;

    private static Task Verify(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Usings + body + Model, expected);

    private static Task VerifyFix(string body, string fixedBody)
        => VerifyCS.VerifyCodeFixAsync(Usings + body + Model, Usings + fixedBody + Model);

    // ---- Terminal operators ----

    [Fact]
    public Task Diagnostic_ToListInAsyncMethod_MessageNamesCallFunctionAndCounterpart()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task<List<Order>> OpenAsync()
                {
                    await Task.Yield();
                    return db.Orders.Where(o => o.Open).{|#0:ToList|}();
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("ToList", "method", "OpenAsync", "ToListAsync"));

    [Fact]
    public Task Diagnostic_EveryTerminalOperator()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task AllAsync()
                {
                    await Task.Yield();
                    var q = db.Orders.Where(o => o.Open);
                    _ = q.[|ToArray|]();
                    _ = q.[|ToDictionary|](o => o.Id);
                    _ = q.[|ToHashSet|]();
                    _ = q.[|First|]();
                    _ = q.[|FirstOrDefault|](o => o.Id == 1);
                    _ = q.[|Single|]();
                    _ = q.[|SingleOrDefault|]();
                    _ = q.OrderBy(o => o.Id).[|Last|]();
                    _ = q.OrderBy(o => o.Id).[|LastOrDefault|]();
                    _ = q.[|Count|]();
                    _ = q.[|LongCount|]();
                    _ = q.[|Any|]();
                    _ = q.[|All|](o => o.Open);
                    _ = q.[|Min|](o => o.Total);
                    _ = q.[|Max|](o => o.Total);
                    _ = q.[|Sum|](o => o.Total);
                    _ = q.[|Average|](o => o.Total);
                    _ = q.Select(o => o.Id).[|Contains|](3);
                    _ = q.OrderBy(o => o.Id).[|ElementAt|](2);
                    _ = q.OrderBy(o => o.Id).[|ElementAtOrDefault|](2);
                }
            }
            """);

    [Fact]
    public Task Fix_ToListWithTokenParameter()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<List<Order>> OpenAsync(CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    // the open ones
                    return db.Orders.Where(o => o.Open).[|ToList|](); // trailing
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<List<Order>> OpenAsync(CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    // the open ones
                    return await db.Orders.Where(o => o.Open).ToListAsync(cancellationToken); // trailing
                }
            }
            """);

    [Fact]
    public Task Fix_OperatorWithArgumentsAndNoToken()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<bool> HasAsync(int id)
                {
                    await Task.Yield();
                    var first = db.Orders.[|FirstOrDefault|](o => o.Id == id);
                    return db.Orders.[|Any|](o => o.Id == id) && first != null;
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<bool> HasAsync(int id)
                {
                    await Task.Yield();
                    var first = await db.Orders.FirstOrDefaultAsync(o => o.Id == id);
                    return await db.Orders.AnyAsync(o => o.Id == id) && first != null;
                }
            }
            """);

    [Fact]
    public Task Fix_ReceiverOfMemberAccessIsParenthesized()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<int> CountAsync(CancellationToken ct)
                {
                    await Task.Yield();
                    return db.Orders.[|ToList|]().Count;
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<int> CountAsync(CancellationToken ct)
                {
                    await Task.Yield();
                    return (await db.Orders.ToListAsync(ct)).Count;
                }
            }
            """);

    [Fact]
    public Task Fix_AddsEntityFrameworkCoreUsing()
    {
        const string before = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public class Repo
            {
                private readonly ShopContext _db;

                public Repo(ShopContext db) => _db = db;

                public async Task<List<Order>> AllAsync()
                {
                    await Task.Yield();
                    return _db.Orders.[|ToList|]();
                }
            }
            """;
        const string after = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Repo
            {
                private readonly ShopContext _db;

                public Repo(ShopContext db) => _db = db;

                public async Task<List<Order>> AllAsync()
                {
                    await Task.Yield();
                    return await _db.Orders.ToListAsync();
                }
            }
            """;
        const string model = "using System.Collections.Generic;\nusing Microsoft.EntityFrameworkCore;\n" + Model;
        return new CSharpCodeFixTest<AP3002SyncEfIoInAsyncMethodAnalyzer, AP3002SyncEfIoInAsyncMethodCodeFix>
        {
            TestState = { Sources = { before, model } },
            FixedState = { Sources = { after, model } },
        }.RunAsync();
    }

    [Fact]
    public Task Diagnostic_ToLookupHasNoFix()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<ILookup<bool, Order>> ByStateAsync()
                {
                    await Task.Yield();
                    return db.Orders.[|ToLookup|](o => o.Open);
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<ILookup<bool, Order>> ByStateAsync()
                {
                    await Task.Yield();
                    return db.Orders.[|ToLookup|](o => o.Open);
                }
            }
            """);
}
