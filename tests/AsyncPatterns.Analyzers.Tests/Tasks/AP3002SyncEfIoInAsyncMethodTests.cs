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
            public bool Closed { get; set; }
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

    [Fact]
    public Task FixAll_EveryTerminalOperatorCompiles()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task AllAsync(CancellationToken ct)
                {
                    var q = db.Orders.Where(o => o.Open);
                    var a = q.[|ToArray|]();
                    var b = q.[|ToDictionary|](o => o.Id);
                    var c = q.[|ToHashSet|]();
                    var d = q.[|First|]();
                    var e = q.[|SingleOrDefault|](o => o.Id == 1);
                    var f = q.OrderBy(o => o.Id).[|LastOrDefault|]();
                    var g = q.[|Count|]() + q.[|LongCount|]();
                    var h = q.[|Any|]() || q.[|All|](o => o.Open);
                    var i = q.[|Min|](o => o.Total) + q.[|Max|](o => o.Total) + q.[|Sum|](o => o.Total) + q.[|Average|](o => o.Total);
                    var j = q.Select(o => o.Id).[|Contains|](3);
                    var k = q.OrderBy(o => o.Id).[|ElementAt|](2);
                    await Task.Yield();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task AllAsync(CancellationToken ct)
                {
                    var q = db.Orders.Where(o => o.Open);
                    var a = await q.ToArrayAsync(ct);
                    var b = await q.ToDictionaryAsync(o => o.Id, ct);
                    var c = await q.ToHashSetAsync(ct);
                    var d = await q.FirstAsync(ct);
                    var e = await q.SingleOrDefaultAsync(o => o.Id == 1, ct);
                    var f = await q.OrderBy(o => o.Id).LastOrDefaultAsync(ct);
                    var g = await q.CountAsync(ct) + await q.LongCountAsync(ct);
                    var h = await q.AnyAsync(ct) || await q.AllAsync(o => o.Open, ct);
                    var i = await q.MinAsync(o => o.Total, ct) + await q.MaxAsync(o => o.Total, ct) + await q.SumAsync(o => o.Total, ct) + await q.AverageAsync(o => o.Total, ct);
                    var j = await q.Select(o => o.Id).ContainsAsync(3, ct);
                    var k = await q.OrderBy(o => o.Id).ElementAtAsync(2, ct);
                    await Task.Yield();
                }
            }
            """);

    // ---- foreach ----

    [Fact]
    public Task Fix_ForEachOverQueryBecomesAwaitForeachWithCancellation()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<int> SumAsync(CancellationToken cancellationToken)
                {
                    var total = 0;
                    [|foreach|] (var order in db.Orders.Where(o => o.Open))
                    {
                        total += order.Id;
                    }

                    await Task.Yield();
                    return total;
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<int> SumAsync(CancellationToken cancellationToken)
                {
                    var total = 0;
                    await foreach (var order in db.Orders.Where(o => o.Open).AsAsyncEnumerable().WithCancellation(cancellationToken))
                    {
                        total += order.Id;
                    }

                    await Task.Yield();
                    return total;
                }
            }
            """);

    [Fact]
    public Task Fix_ForEachOverDbSetWithoutToken()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task CloseAllAsync()
                {
                    [|foreach|] (Order order in db.Orders)
                    {
                        order.Open = false;
                    }

                    await db.SaveChangesAsync();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task CloseAllAsync()
                {
                    await foreach (Order order in db.Orders.AsAsyncEnumerable())
                    {
                        order.Open = false;
                    }

                    await db.SaveChangesAsync();
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_ForEachOverMaterializedListAndAwaitForeach()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(CancellationToken ct)
                {
                    foreach (var order in await db.Orders.ToListAsync(ct))
                    {
                    }

                    await foreach (var order in db.Orders.AsAsyncEnumerable().WithCancellation(ct))
                    {
                    }

                    var local = new List<Order>();
                    foreach (var order in local.AsQueryable().Where(o => o.Open))
                    {
                    }
                }
            }
            """);

    // ---- SaveChanges, Find, bulk and raw SQL ----

    [Fact]
    public Task Fix_SaveChangesAndFind()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task CloseAsync(int id, CancellationToken ct)
                {
                    var order = db.Orders.[|Find|](id);
                    var other = db.[|Find|]<Order>(id + 1, 7);
                    order!.Open = false;
                    db.[|SaveChanges|]();
                    db.[|SaveChanges|](acceptAllChangesOnSuccess: true);
                    await Task.Yield();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task CloseAsync(int id, CancellationToken ct)
                {
                    var order = await db.Orders.FindAsync(new object[] { id }, ct);
                    var other = await db.FindAsync<Order>(new object[] { id + 1, 7 }, ct);
                    order!.Open = false;
                    await db.SaveChangesAsync(ct);
                    await db.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken: ct);
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public Task Fix_FindWithoutTokenKeepsParams_AndSuppressionIsParenthesized()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<bool> IsOpenAsync(int id)
                {
                    await Task.Yield();
                    return db.Orders.[|Find|](id)!.Open;
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<bool> IsOpenAsync(int id)
                {
                    await Task.Yield();
                    return (await db.Orders.FindAsync(id))!.Open;
                }
            }
            """);

    [Fact]
    public Task Fix_BulkUpdatesAndRawSql()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task PurgeAsync(int id, CancellationToken ct)
                {
                    db.Orders.Where(o => !o.Open).[|ExecuteDelete|]();
                    db.Orders.Where(o => o.Id == id).[|ExecuteUpdate|](s => s.SetProperty(o => o.Open, false));
                    db.Database.[|ExecuteSqlRaw|]("DELETE FROM Lines WHERE OrderId = {0} AND Id > {1}", id, 3);
                    db.Database.[|ExecuteSqlRaw|]("VACUUM");
                    db.Database.[|ExecuteSql|]($"DELETE FROM Lines WHERE OrderId = {id}");
                    await Task.Yield();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task PurgeAsync(int id, CancellationToken ct)
                {
                    await db.Orders.Where(o => !o.Open).ExecuteDeleteAsync(ct);
                    await db.Orders.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Open, false), ct);
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM Lines WHERE OrderId = {0} AND Id > {1}", new object[] { id, 3 }, ct);
                    await db.Database.ExecuteSqlRawAsync("VACUUM", ct);
                    await db.Database.ExecuteSqlAsync($"DELETE FROM Lines WHERE OrderId = {id}", ct);
                    await Task.Yield();
                }
            }
            """);

    // ---- Transactions, explicit loading, schema ----

    [Fact]
    public Task Fix_TransactionInUsingDeclarationBecomesAwaitUsing()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task MoveAsync(CancellationToken ct)
                {
                    using var tx = db.Database.[|BeginTransaction|]();
                    await db.SaveChangesAsync(ct);
                    tx.[|Commit|]();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task MoveAsync(CancellationToken ct)
                {
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }
            }
            """);

    [Fact]
    public Task Fix_TransactionInUsingStatement_AndFacadeCommitRollback()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task MoveAsync()
                {
                    using (var tx = db.Database.[|BeginTransaction|]())
                    {
                        try
                        {
                            await db.SaveChangesAsync();
                            db.Database.[|CommitTransaction|]();
                        }
                        catch
                        {
                            tx.[|Rollback|]();
                            throw;
                        }
                    }
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task MoveAsync()
                {
                    await using (var tx = await db.Database.BeginTransactionAsync())
                    {
                        try
                        {
                            await db.SaveChangesAsync();
                            await db.Database.CommitTransactionAsync();
                        }
                        catch
                        {
                            await tx.RollbackAsync();
                            throw;
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_ExplicitLoadingAndSchema()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task LoadAsync(Order order, CancellationToken ct)
                {
                    db.Database.[|EnsureCreated|]();
                    db.Database.[|Migrate|]();
                    db.Entry(order).Collection(o => o.Lines).[|Load|]();
                    db.Entry(order).[|Reload|]();
                    db.Orders.Where(o => o.Open).[|Load|]();
                    db.Database.[|EnsureDeleted|]();
                    await Task.Yield();
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task LoadAsync(Order order, CancellationToken ct)
                {
                    await db.Database.EnsureCreatedAsync(ct);
                    await db.Database.MigrateAsync(ct);
                    await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
                    await db.Entry(order).ReloadAsync(ct);
                    await db.Orders.Where(o => o.Open).LoadAsync(ct);
                    await db.Database.EnsureDeletedAsync(ct);
                    await Task.Yield();
                }
            }
            """);

    // ---- Where the token comes from; lambdas and local functions ----

    [Fact]
    public Task Fix_MinimalApiLambdaUsesRequestAborted()
        => VerifyFix("""
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/orders", async (HttpContext context, ShopContext db) =>
                    {
                        await Task.Yield();
                        return db.Orders.[|ToList|]();
                    });
                }
            }
            """, """
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/orders", async (HttpContext context, ShopContext db) =>
                    {
                        await Task.Yield();
                        return await db.Orders.ToListAsync(context.RequestAborted);
                    });
                }
            }
            """);

    [Fact]
    public Task Diagnostic_AsyncLambdaMessageNamesTheLambda()
        => Verify("""
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/count", async (ShopContext db) =>
                    {
                        await Task.Yield();
                        return db.Orders.{|#0:Count|}();
                    });
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("Count", "lambda", "Map", "CountAsync"));

    [Fact]
    public Task Fix_ControllerUsesHttpContextRequestAborted()
        => VerifyFix("""
            public class OrdersController(ShopContext db) : ControllerBase
            {
                [HttpGet]
                public async Task<IActionResult> Get()
                {
                    await Task.Yield();
                    return Ok(db.Orders.[|ToList|]());
                }
            }
            """, """
            public class OrdersController(ShopContext db) : ControllerBase
            {
                [HttpGet]
                public async Task<IActionResult> Get()
                {
                    await Task.Yield();
                    return Ok(await db.Orders.ToListAsync(HttpContext.RequestAborted));
                }
            }
            """);

    [Fact]
    public Task Fix_AsyncLocalFunctionCapturesOuterToken()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public Task<int> RunAsync(CancellationToken token)
                {
                    return Inner();

                    async Task<int> Inner()
                    {
                        await Task.Yield();
                        return db.Orders.[|Count|]();
                    }
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public Task<int> RunAsync(CancellationToken token)
                {
                    return Inner();

                    async Task<int> Inner()
                    {
                        await Task.Yield();
                        return await db.Orders.CountAsync(token);
                    }
                }
            }
            """);

    [Fact]
    public Task Diagnostic_InLockBodyHasNoFix()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                private readonly object _gate = new();

                public async Task RunAsync()
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        db.[|SaveChanges|]();
                    }
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                private readonly object _gate = new();

                public async Task RunAsync()
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    // ---- Near-misses ----

    [Fact]
    public Task NoDiagnostic_SyncMethod()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public List<Order> Open() => db.Orders.Where(o => o.Open).ToList();

                public void Save()
                {
                    db.SaveChanges();
                    using var tx = db.Database.BeginTransaction();
                    tx.Commit();
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_LinqToObjects()
        => Verify("""
            public class Repo
            {
                public async Task<int> RunAsync(List<Order> orders)
                {
                    await Task.Yield();
                    var list = orders.Where(o => o.Open).ToList();
                    var count = orders.AsQueryable().Where(o => o.Open).Count();
                    var any = list.AsQueryable().Any();
                    return list.Count + count + (any ? 1 : 0) + orders.First().Id;
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_ChangeTrackingAndContextCreation()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public async Task AddAsync(Order order, Order other, CancellationToken ct)
                {
                    await using var db = factory.CreateDbContext();
                    db.Orders.Add(order);
                    db.Orders.AddRange(order, other);
                    db.Add(order);
                    db.AddRange(order, other);
                    db.Attach(other);
                    db.Update(other);
                    db.Remove(other);
                    db.Orders.Remove(order);
                    await db.SaveChangesAsync(ct);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_QueriesInsideExpressionTrees()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task<List<Order>> WithLinesAsync(CancellationToken ct)
                {
                    var withLines = await db.Orders.Where(o => db.Lines.Any(l => l.OrderId == o.Id)).ToListAsync(ct);
                    var counted = await db.Orders.Select(o => new { o.Id, Count = db.Lines.Count(l => l.OrderId == o.Id) }).ToListAsync(ct);
                    var query = await (from o in db.Orders where db.Lines.Any(l => l.OrderId == o.Id) select o).ToListAsync(ct);
                    var nested = await db.Orders.Where(o => o.Lines.Any()).ToListAsync(ct);
                    return withLines;
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_SyncLambdaInsideAsyncMethod()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> RunAsync()
                {
                    Func<int> count = () =>
                    {
                        using var db = factory.CreateDbContext();
                        return db.Orders.Count();
                    };
                    return await Task.Run(count);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_AlreadyAsync()
        => Verify("""
            public class Repo(ShopContext db)
            {
                public async Task RunAsync(int id, CancellationToken ct)
                {
                    var list = await db.Orders.ToListAsync(ct);
                    var order = await db.Orders.FindAsync(new object[] { id }, ct);
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_WithoutEntityFrameworkCore()
        => new CSharpAnalyzerTest<AP3002SyncEfIoInAsyncMethodAnalyzer>
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                public class Repo
                {
                    public async Task<List<int>> RunAsync(IQueryable<int> numbers)
                    {
                        await Task.Yield();
                        return numbers.ToList();
                    }
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();

    [Fact]
    public Task FixAll_NestedCallsInOneDocument()
        => VerifyFix("""
            public class Repo(ShopContext db)
            {
                public async Task<Order?> NewestAsync(CancellationToken ct)
                {
                    await Task.Yield();
                    return db.Orders.[|Find|](db.Orders.[|Max|](o => o.Id));
                }
            }
            """, """
            public class Repo(ShopContext db)
            {
                public async Task<Order?> NewestAsync(CancellationToken ct)
                {
                    await Task.Yield();
                    return await db.Orders.FindAsync(new object[] { await db.Orders.MaxAsync(o => o.Id, ct) }, ct);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_DocsGoodCode()
        => Verify("""
            public class OrdersController(ShopContext db) : ControllerBase
            {
                public async Task<IActionResult> Close(int id, CancellationToken cancellationToken)
                {
                    var order = await db.Orders.FindAsync(new object[] { id }, cancellationToken);
                    await foreach (var line in db.Lines.Where(l => l.OrderId == id).AsAsyncEnumerable().WithCancellation(cancellationToken))
                    {
                        line.Closed = true;
                    }

                    await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await tx.CommitAsync(cancellationToken);
                    return Ok((await db.Orders.Where(o => o.Open).ToListAsync(cancellationToken)).Count);
                }
            }
            """);
}
