using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Tasks.AP3003BlockingOnAsyncCallAnalyzer,
    AsyncPatterns.CodeFixes.Tasks.AP3003BlockingOnAsyncCallCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Tasks;

public sealed class AP3003BlockingOnAsyncCallTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Caching.Distributed;

        public class Order { public int Id { get; set; } public decimal Total { get; set; } }
        public class ShopContext : DbContext { public DbSet<Order> Orders => Set<Order>(); }

        """;

    [Fact]
    public async Task Diagnostic_ResultOnToListAsync_InSyncMethod_NoFix()
    {
        var source = Usings + """
            public class C
            {
                public List<Order> M(ShopContext db) => db.Orders.ToListAsync().{|#0:Result|};
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, VerifyCS.Diagnostic().WithLocation(0).WithArguments("Result", "ToListAsync"), source);
    }

    [Fact]
    public async Task Diagnostic_WaitOnSaveChangesAsync()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(ShopContext db) => db.SaveChangesAsync().[|Wait|]();
                public bool Timeout(ShopContext db) => db.SaveChangesAsync().[|Wait|](1000);
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_GetAwaiterGetResult_OnFirstAsync_WithConfigureAwait()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public Order M(ShopContext db) => db.Orders.FirstAsync().GetAwaiter().[|GetResult|]();
                public Order N(ShopContext db) => db.Orders.FirstAsync().ConfigureAwait(false).GetAwaiter().[|GetResult|]();
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_StoredTaskBlockedLater()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public int M(ShopContext db)
                {
                    var t = db.Orders.ToListAsync();
                    var r = t.[|Result|];
                    return r.Count;
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_WaitAllOverDataAccessTasks()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(ShopContext db, ShopContext other)
                {
                    var a = db.Orders.ToListAsync();
                    var b = other.Orders.CountAsync();
                    Task.[|WaitAll|](a, b);
                    Task.[|WaitAll|](new Task[] { a, b }, 1000);
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_ValueTaskFromFindAsync_ResultAndAsTask()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public Order? M(ShopContext db) => db.Orders.FindAsync(1).[|Result|];
                public Order? N(ShopContext db) => db.Orders.FindAsync(1).AsTask().[|Result|];
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_AdoNetSessionCacheAndFactory()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void Ado(DbConnection connection, DbCommand command)
                {
                    connection.OpenAsync().[|Wait|]();
                    var count = command.ExecuteScalarAsync().[|Result|];
                    using var reader = command.ExecuteReaderAsync().GetAwaiter().[|GetResult|]();
                    var more = reader.ReadAsync().[|Result|];
                    var rows = command.ExecuteNonQueryAsync().[|Result|];
                }

                public void Session(ISession session) => session.LoadAsync().[|Wait|]();
                public void Commit(ISession session) => session.CommitAsync().[|Wait|]();
                public byte[]? Cache(IDistributedCache cache) => cache.GetAsync("k").[|Result|];
                public string? CacheString(IDistributedCache cache) => cache.GetStringAsync("k").[|Result|];
                public ShopContext Create(IDbContextFactory<ShopContext> factory) => factory.CreateDbContextAsync().[|Result|];
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_ResultAfterAwaitWhenAll()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(IDbContextFactory<ShopContext> factory)
                {
                    await using var db1 = await factory.CreateDbContextAsync();
                    await using var db2 = await factory.CreateDbContextAsync();
                    var a = db1.Orders.ToListAsync();
                    var b = db2.Orders.CountAsync();
                    await Task.WhenAll(a, b);
                    return a.Result.Count + b.Result;
                }

                public async Task<int> Awaited(ShopContext db)
                {
                    var t = db.Orders.CountAsync();
                    await t.ConfigureAwait(false);
                    return t.Result;
                }

                public int Guarded(ShopContext db)
                {
                    var t = db.Orders.CountAsync();
                    if (t.IsCompletedSuccessfully)
                    {
                        return t.Result;
                    }

                    return t.IsCompleted ? t.Result : -1;
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_ResultAfterAwaitOnOnlySomePaths()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db, bool flag)
                {
                    var t = db.Orders.CountAsync();
                    if (flag)
                    {
                        await t;
                    }

                    return t.[|Result|];
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_NonDataAccessTasks()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public int M()
                {
                    Task.Delay(1).Wait();
                    var list = new List<int> { 1 };
                    Task.Run(() => 1).GetAwaiter().GetResult();
                    return Task.FromResult(list.Count).Result;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_ResultUnderCompletionCheck()
    {
        // Reading Result of a task known to have completed does not block.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var count = db.Orders.CountAsync();
                    if (count.IsCompletedSuccessfully)
                    {
                        return count.Result;
                    }

                    return await count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_ResultAfterAwaitOfTheSameTask()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var orders = db.Orders.ToListAsync();
                    await orders;
                    return orders.Result.Count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_AwaitedDataAccess_DocsGoodCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class OrderQueries(ShopContext db)
            {
                public async Task<List<Order>> OpenOrdersAsync(CancellationToken cancellationToken)
                    => await db.Orders.Where(o => o.Total > 0).ToListAsync(cancellationToken);
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_ConsoleMain_AsyncMainExists()
    {
        // Not a near-miss: Main is reported too, since C# has async Main.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Program
            {
                public static void Main()
                {
                    using var db = new ShopContext();
                    db.Database.EnsureCreatedAsync().[|Wait|]();
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Tasks.AP3003BlockingOnAsyncCallAnalyzer>
        {
            TestCode = """
                using System.Data.Common;
                public class C
                {
                    public void M(DbConnection connection) => connection.OpenAsync().Wait();
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_ResultBecomesAwait_ParenthesesOnlyWhenNeeded()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var orders = db.Orders.ToListAsync().[|Result|];
                    var count = db.Orders.ToListAsync().[|Result|].Count;
                    return orders.Count + count;
                }
            }
            """, Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var orders = await db.Orders.ToListAsync();
                    var count = (await db.Orders.ToListAsync()).Count;
                    return orders.Count + count;
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_WaitGetResultAndWaitAll()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db, ShopContext other)
                {
                    // save first
                    db.SaveChangesAsync().[|Wait|]();
                    var first = db.Orders.FirstAsync().GetAwaiter().[|GetResult|]();
                    var a = db.Orders.ToListAsync();
                    var b = other.Orders.CountAsync();
                    Task.[|WaitAll|](a, b);
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(ShopContext db, ShopContext other)
                {
                    // save first
                    await db.SaveChangesAsync();
                    var first = await db.Orders.FirstAsync();
                    var a = db.Orders.ToListAsync();
                    var b = other.Orders.CountAsync();
                    await Task.WhenAll(a, b);
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_NotOfferedForWaitWithTimeoutOrInLock()
    {
        var source = Usings + """
            public class C
            {
                private readonly object _gate = new();
                public async Task<bool> M(ShopContext db)
                {
                    lock (_gate)
                    {
                        db.SaveChangesAsync().[|Wait|]();
                    }

                    await Task.Yield();
                    return db.SaveChangesAsync().[|Wait|](1000);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task FixAll_AsyncLambdaAndMethod()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db, IDistributedCache cache)
                {
                    var name = cache.GetStringAsync("k").[|Result|];
                    Func<Task<int>> f = async () => db.Orders.CountAsync().[|Result|];
                    await f();
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(ShopContext db, IDistributedCache cache)
                {
                    var name = await cache.GetStringAsync("k");
                    Func<Task<int>> f = async () => await db.Orders.CountAsync();
                    await f();
                }
            }
            """);
    }
}
