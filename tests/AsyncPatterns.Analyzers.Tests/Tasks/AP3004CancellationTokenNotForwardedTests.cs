using AsyncPatterns.Analyzers.Tasks;
using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Tasks.AP3004CancellationTokenNotForwardedAnalyzer,
    AsyncPatterns.CodeFixes.Tasks.AP3004CancellationTokenNotForwardedCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Tasks;

public class AP3004CancellationTokenNotForwardedTests
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
        using Microsoft.AspNetCore.Mvc.RazorPages;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Hosting;

        """;

    private const string Model = """

        public class Order
        {
            public int Id { get; set; }
            public bool Open { get; set; }
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }

            public DbSet<Order> Orders => Set<Order>();
        }
        """;

    private static Task Verify(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Usings + body + Model, expected);

    private static Task VerifyFix(string body, string fixedBody)
        => VerifyCS.VerifyCodeFixAsync(Usings + body + Model, Usings + fixedBody + Model);

    [Fact]
    public Task Diagnostic_MessageNamesCallAndToken()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public Task<List<Order>> OpenAsync(CancellationToken cancellationToken)
                    => db.Orders.Where(o => o.Open).{|#0:ToListAsync|}();
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("ToListAsync", "cancellationToken"));

    [Fact]
    public Task Fix_QueryOperatorsAndSaveChanges()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(int id, CancellationToken ct)
                {
                    var list = await db.Orders.[|ToListAsync|]();
                    var first = await db.Orders.[|FirstOrDefaultAsync|](o => o.Id == id);
                    var any = await db.Orders.[|AnyAsync|](predicate: o => o.Open);
                    await db.[|SaveChangesAsync|]();
                    await db.[|SaveChangesAsync|](true);
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(int id, CancellationToken ct)
                {
                    var list = await db.Orders.ToListAsync(ct);
                    var first = await db.Orders.FirstOrDefaultAsync(o => o.Id == id, ct);
                    var any = await db.Orders.AnyAsync(predicate: o => o.Open, cancellationToken: ct);
                    await db.SaveChangesAsync(ct);
                    await db.SaveChangesAsync(true, ct);
                }
            }
            """);

    [Fact]
    public Task Fix_TokenAfterATypeParameterTypedParameter()
        // ContainsAsync<TSource>(source, TSource item, CancellationToken): a call could make the item a
        // token too, so the token argument is found by the call's own parameters, not the definition's ordinal.
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<bool> HasAsync(int id, CancellationToken ct)
                {
                    var has = await db.Orders.Select(o => o.Id).[|ContainsAsync|](id);
                    var passed = await db.Orders.Select(o => o.Id).ContainsAsync(id, ct);
                    return has && passed;
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<bool> HasAsync(int id, CancellationToken ct)
                {
                    var has = await db.Orders.Select(o => o.Id).ContainsAsync(id, ct);
                    var passed = await db.Orders.Select(o => o.Id).ContainsAsync(id, ct);
                    return has && passed;
                }
            }
            """);

    [Fact]
    public Task Fix_FindAsyncWrapsKeysIntoArray()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<Order?> GetAsync(int id, object[] keys, CancellationToken ct)
                {
                    var byKeys = await db.Orders.[|FindAsync|](keys);
                    var composite = await db.[|FindAsync|]<Order>(id, 2);
                    return await db.Orders.[|FindAsync|](id);
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<Order?> GetAsync(int id, object[] keys, CancellationToken ct)
                {
                    var byKeys = await db.Orders.FindAsync(keys, ct);
                    var composite = await db.FindAsync<Order>(new object[] { id, 2 }, ct);
                    return await db.Orders.FindAsync(new object[] { id }, ct);
                }
            }
            """);

    [Fact]
    public Task Fix_RawSqlWithParamsAndTransactions()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task PurgeAsync(int id, CancellationToken ct)
                {
                    await using var tx = await db.Database.[|BeginTransactionAsync|]();
                    await db.Database.[|ExecuteSqlRawAsync|]("DELETE FROM Orders WHERE Id = {0}", id);
                    await db.Orders.Where(o => !o.Open).[|ExecuteDeleteAsync|]();
                    await tx.[|CommitAsync|]();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task PurgeAsync(int id, CancellationToken ct)
                {
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM Orders WHERE Id = {0}", new object[] { id }, ct);
                    await db.Orders.Where(o => !o.Open).ExecuteDeleteAsync(ct);
                    await tx.CommitAsync(ct);
                }
            }
            """);

    [Fact]
    public Task Fix_ContextFactoryCreateDbContextAsync()
        => VerifyFix("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> CountAsync(CancellationToken ct)
                {
                    await using var db = await factory.[|CreateDbContextAsync|]();
                    return await db.Orders.CountAsync(ct);
                }
            }
            """, """
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> CountAsync(CancellationToken ct)
                {
                    await using var db = await factory.CreateDbContextAsync(ct);
                    return await db.Orders.CountAsync(ct);
                }
            }
            """);

    [Fact]
    public Task Fix_BackgroundServiceStoppingToken()
        => VerifyFix("""
            public class Archiver(IDbContextFactory<ShopContext> factory) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await using var db = await factory.CreateDbContextAsync(stoppingToken);
                        await db.Orders.Where(o => !o.Open).[|ExecuteDeleteAsync|]();
                        await Task.Delay(1000, stoppingToken);
                    }
                }
            }
            """, """
            public class Archiver(IDbContextFactory<ShopContext> factory) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await using var db = await factory.CreateDbContextAsync(stoppingToken);
                        await db.Orders.Where(o => !o.Open).ExecuteDeleteAsync(stoppingToken);
                        await Task.Delay(1000, stoppingToken);
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_ControllerAndPageModelUseRequestAborted()
        => VerifyFix("""
            public class OrdersController(ShopContext db) : Controller
            {
                public async Task<IActionResult> Index() => View(await db.Orders.[|ToListAsync|]());
            }

            public class OrdersPage(ShopContext db) : PageModel
            {
                public List<Order> Orders { get; private set; } = new();

                public async Task OnGetAsync() => Orders = await db.Orders.[|ToListAsync|]();
            }
            """, """
            public class OrdersController(ShopContext db) : Controller
            {
                public async Task<IActionResult> Index() => View(await db.Orders.ToListAsync(HttpContext.RequestAborted));
            }

            public class OrdersPage(ShopContext db) : PageModel
            {
                public List<Order> Orders { get; private set; } = new();

                public async Task OnGetAsync() => Orders = await db.Orders.ToListAsync(HttpContext.RequestAborted);
            }
            """);

    [Fact]
    public Task Fix_ActionTokenParameterIsPreferredOverRequestAborted()
        => VerifyFix("""
            public class OrdersController(ShopContext db) : ControllerBase
            {
                public async Task<IActionResult> Get(CancellationToken cancellationToken) => Ok(await db.Orders.[|ToListAsync|]());
            }
            """, """
            public class OrdersController(ShopContext db) : ControllerBase
            {
                public async Task<IActionResult> Get(CancellationToken cancellationToken) => Ok(await db.Orders.ToListAsync(cancellationToken));
            }
            """);

    [Fact]
    public Task Fix_MinimalApiHttpContextParameter()
        => VerifyFix("""
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/orders", async (HttpContext http, ShopContext db) => await db.Orders.[|ToListAsync|]());
                }
            }
            """, """
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/orders", async (HttpContext http, ShopContext db) => await db.Orders.ToListAsync(http.RequestAborted));
                }
            }
            """);

    [Fact]
    public Task Diagnostic_SyncMethodReturningTheTask()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public Task<int> CountAsync(CancellationToken ct) => db.Orders.[|CountAsync|]();
            }
            """);

    // ---- Near-misses ----

    [Fact]
    public Task NoDiagnostic_ExplicitNoneDefaultOrToken()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(int id, CancellationToken ct)
                {
                    await db.Orders.ToListAsync(CancellationToken.None);
                    await db.Orders.ToListAsync(default);
                    await db.Orders.ToListAsync(default(CancellationToken));
                    await db.Orders.ToListAsync(ct);
                    await db.Orders.FindAsync(new object[] { id }, CancellationToken.None);
                    await db.SaveChangesAsync(cancellationToken: default);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_NoTokenInScope()
        => Verify("""
            public class Repo(ShopContext db)
            {
                private readonly CancellationTokenSource _cts = new();

                public async Task RunAsync(int id)
                {
                    var local = _cts.Token;
                    await db.Orders.ToListAsync();
                    await db.Orders.FindAsync(id);
                    await db.SaveChangesAsync();
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_StaticLambdaCannotCaptureTheToken()
        => Verify("""
            public class Repo
            {
                public Task RunAsync(IDbContextFactory<ShopContext> factory, CancellationToken ct)
                {
                    Func<IDbContextFactory<ShopContext>, Task<int>> count = static async f =>
                    {
                        await using var db = await f.CreateDbContextAsync();
                        return await db.Orders.CountAsync();
                    };
                    return count(factory);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_ControllerStaticHelperAndNonEfCalls()
        => Verify("""
            public class OrdersController : ControllerBase
            {
                public static async Task<int> CountAsync(ShopContext db) => await db.Orders.CountAsync();

                public async Task<IActionResult> Get()
                {
                    await Task.Delay(10);
                    var numbers = await Task.FromResult(new List<int>());
                    return Ok(numbers);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_AddAsyncAndAsAsyncEnumerableWithExplicitToken()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(Order order, CancellationToken ct)
                {
                    await db.Orders.AddAsync(order, ct);
                    await foreach (var o in db.Orders.AsAsyncEnumerable().WithCancellation(ct))
                    {
                    }
                }
            }
            """);

    [Fact]
    public Task FixAll_NestedCallsInOneDocument()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<Order?> NewestAsync(CancellationToken ct)
                    => await db.Orders.[|FindAsync|](await db.Orders.[|MaxAsync|](o => o.Id));

                public async Task<int> CountAsync(CancellationToken token)
                    => await db.Orders.[|CountAsync|]() + await db.Orders.[|CountAsync|](o => o.Open);
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<Order?> NewestAsync(CancellationToken ct)
                    => await db.Orders.FindAsync(new object[] { await db.Orders.MaxAsync(o => o.Id, ct) }, ct);

                public async Task<int> CountAsync(CancellationToken token)
                    => await db.Orders.CountAsync(token) + await db.Orders.CountAsync(o => o.Open, token);
            }
            """);

    [Fact]
    public Task NoDiagnostic_WithoutEntityFrameworkCore()
        => new CSharpAnalyzerTest<AP3004CancellationTokenNotForwardedAnalyzer>
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;

                public class Repo
                {
                    public async Task RunAsync(CancellationToken ct) => await Task.Delay(10);
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();

    [Fact]
    public Task NoDiagnostic_DocsGoodCode()
        => Verify("""
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/orders/{id}", async (int id, ShopContext db, CancellationToken cancellationToken) =>
                    {
                        var order = await db.Orders.FindAsync(new object[] { id }, cancellationToken);
                        var open = await db.Orders.CountAsync(o => o.Open, cancellationToken);
                        return Results.Ok(new { order, open });
                    });
                }
            }
            """);
}
