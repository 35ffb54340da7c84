using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Tasks.AP3001DanglingTaskAnalyzer,
    AsyncPatterns.CodeFixes.Tasks.AP3001DanglingTaskCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Tasks;

public sealed class AP3001DanglingTaskTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Order { public int Id { get; set; } }
        public class ShopContext : DbContext { public DbSet<Order> Orders => Set<Order>(); }

        """;

    [Fact]
    public async Task Diagnostic_TaskDroppedInSyncMethod()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(ShopContext db)
                {
                    db.{|#0:SaveChangesAsync|}();
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments("The task returned by 'SaveChangesAsync'", "await it, or discard it with '_ =' when fire-and-forget is intended"));
    }

    [Fact]
    public async Task Diagnostic_ValueTaskTaskRunAndStartNewInSyncCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(ShopContext db)
                {
                    db.Orders.[|FindAsync|](1);
                    Task.[|Run|](() => db.SaveChanges());
                    Task.Factory.[|StartNew|](() => db.SaveChanges());
                    Func<Task> f = () => Task.CompletedTask;
                    [|f|]();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_SyncLambdaAndLocalFunction()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(ShopContext db, List<Order> orders)
                {
                    Action save = () => db.[|SaveChangesAsync|]();
                    orders.ForEach(o => db.Orders.[|AddAsync|](o));
                    void Local() { db.[|SaveChangesAsync|](); }
                    Local();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_ConditionalCallInAsyncMethod()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext? db)
                {
                    db?.[|SaveChangesAsync|]();
                    await Task.Yield();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_AsyncLambdaToVoidDelegates()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public void M(IDbContextFactory<ShopContext> factory, List<int> ids)
                {
                    ids.ForEach({|#0:async|} id => { await using var db = await factory.CreateDbContextAsync(); await db.Orders.FindAsync(id); });
                    Parallel.For(0, 3, [|async|] i => await Task.Delay(i));
                    Array.ForEach(ids.ToArray(), [|async|] delegate (int id) { await Task.Delay(id); });
                    using var timer = new Timer([|async|] _ => await Task.Delay(1), null, 0, 1000);
                    Action run = [|async|] () => await Task.Delay(1);
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments("The async lambda passed to 'ForEach' as 'Action<int>'", "loop with foreach and await each call"));
    }

    [Fact]
    public async Task NoDiagnostic_WhereCS4014AlreadyWarns()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Tasks.AP3001DanglingTaskAnalyzer>
        {
            TestCode = Usings + """
                public class C
                {
                    private async Task SaveAsync(ShopContext db) => await db.SaveChangesAsync();

                    public async Task InAsync(ShopContext db)
                    {
                        {|CS4014:db.SaveChangesAsync()|};
                        {|CS4014:db.Orders.FindAsync(1)|};
                        {|CS4014:Task.Run(() => 1)|};
                        await Task.Yield();
                    }

                    public void CallsAsyncMethod(ShopContext db)
                    {
                        {|CS4014:SaveAsync(db)|};
                    }
                }
                """,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_ObservedTasks()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                private Task? _pending;

                public Task Returned(ShopContext db) => db.SaveChangesAsync();

                public void Observed(ShopContext db)
                {
                    _ = db.SaveChangesAsync();
                    var stored = db.SaveChangesAsync();
                    _pending = db.SaveChangesAsync();
                    Consume(db.SaveChangesAsync());
                    db.SaveChangesAsync().ContinueWith(t => Console.WriteLine(t.Exception));
                    db.SaveChangesAsync().ConfigureAwait(false);
                    Task.Yield();
                }

                public async Task Awaited(ShopContext db)
                {
                    await db.SaveChangesAsync().ConfigureAwait(false);
                }

                private static void Consume(Task task) { }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_AsyncEventHandlerAndTaskDelegates()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Button { public event EventHandler? Click; }
            public class C
            {
                public void M(Button button, ShopContext db, List<int> ids)
                {
                    button.Click += async (s, e) => await db.SaveChangesAsync();
                    Func<Task> f = async () => await db.SaveChangesAsync();
                    Parallel.ForEachAsync(ids, async (id, ct) => await db.Orders.FindAsync(id)).Wait();
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class OrderService(ShopContext db)
            {
                public async Task ConfirmAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
                {
                    foreach (var id in ids)
                    {
                        var order = await db.Orders.FindAsync([id], cancellationToken);
                    }

                    await db.SaveChangesAsync(cancellationToken);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Tasks.AP3001DanglingTaskAnalyzer>
        {
            TestCode = """
                using System.Threading.Tasks;
                public class C
                {
                    public void M() { Task.Run(() => 1); }
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_TaskMethodBecomesAsync_ReturnsRewritten()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public Task M(ShopContext db)
                {
                    db.[|SaveChangesAsync|]();
                    return Task.CompletedTask;
                }

                public Task<int> N(ShopContext db, bool flag)
                {
                    // keep me
                    db.[|SaveChangesAsync|]();
                    if (flag)
                    {
                        return Task.FromResult(1);
                    }

                    return Task.FromResult(2);
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(ShopContext db)
                {
                    await db.SaveChangesAsync();
                }

                public async Task<int> N(ShopContext db, bool flag)
                {
                    // keep me
                    await db.SaveChangesAsync();
                    if (flag)
                    {
                        return 1;
                    }

                    return 2;
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_PrivateVoidBecomesAsyncTask_CallersAwait()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task Handle(ShopContext db)
                {
                    Save(db);
                    await Task.Yield();
                }

                private void Save(ShopContext db)
                {
                    db.Orders.[|AddAsync|](new Order());
                    db.[|SaveChangesAsync|]();
                }
            }
            """, Usings + """
            public class C
            {
                public async Task Handle(ShopContext db)
                {
                    await Save(db);
                    await Task.Yield();
                }

                private async Task Save(ShopContext db)
                {
                    await db.Orders.AddAsync(new Order());
                    await db.SaveChangesAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_NotOffered_PublicVoidSyncCallerOrOtherReturn()
    {
        var source = Usings + """
            public interface ISaver { void Save(ShopContext db); }
            public class C : ISaver
            {
                public void Save(ShopContext db) => db.[|SaveChangesAsync|]();

                private void Helper(ShopContext db) { db.[|SaveChangesAsync|](); }

                public void SyncCaller(ShopContext db) => Helper(db);

                private void Subscribed(ShopContext db) { db.[|SaveChangesAsync|](); }

                public Action Get(ShopContext db) => () => Subscribed(db);

                public Task<int> Other(ShopContext db)
                {
                    db.[|SaveChangesAsync|]();
                    return db.Orders.CountAsync();
                }

                public void Lambda(ShopContext db)
                {
                    Action a = () => db.[|SaveChangesAsync|]();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task Fix_ConditionalCallAwaitedWithFallback()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext? db)
                {
                    db?.[|SaveChangesAsync|]();
                    await Task.Yield();
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(ShopContext? db)
                {
                    await (db?.SaveChangesAsync() ?? Task.CompletedTask);
                    await Task.Yield();
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_ListForEachBecomesForeachLoop()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task M(IDbContextFactory<ShopContext> factory, List<int> ids, List<Order> orders)
                {
                    ids.ForEach([|async|] id =>
                    {
                        if (id < 0)
                        {
                            return;
                        }

                        await using var db = await factory.CreateDbContextAsync();
                        await db.Orders.FindAsync(id);
                    });
                    orders.ForEach([|async|] (Order o) => await Task.Delay(o.Id));
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(IDbContextFactory<ShopContext> factory, List<int> ids, List<Order> orders)
                {
                    foreach (var id in ids)
                    {
                        if (id < 0)
                        {
                            continue;
                        }

                        await using var db = await factory.CreateDbContextAsync();
                        await db.Orders.FindAsync(id);
                    }
                    foreach (Order o in orders)
                    {
                        await Task.Delay(o.Id);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_NotOffered_ForEachInSyncMethodOrOtherApis()
    {
        var source = Usings + """
            public class C
            {
                public void Sync(List<int> ids) => ids.ForEach([|async|] id => await Task.Delay(id));

                public async Task NestedLoopReturn(List<int> ids)
                {
                    ids.ForEach([|async|] id =>
                    {
                        for (var i = 0; i < id; i++)
                        {
                            if (i == 2) return;
                            await Task.Delay(i);
                        }
                    });
                    Parallel.For(0, 3, [|async|] i => await Task.Delay(i));
                    await Task.Yield();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task FixAll_SeveralStatementsAndMethodsInOneDocument()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public Task A(ShopContext db)
                {
                    db.[|SaveChangesAsync|]();
                    db.Orders.[|FindAsync|](1);
                    return Task.CompletedTask;
                }

                public Task B(ShopContext db)
                {
                    Task.[|Run|](() => db.SaveChanges());
                    return Task.CompletedTask;
                }
            }
            """, Usings + """
            public class C
            {
                public async Task A(ShopContext db)
                {
                    await db.SaveChangesAsync();
                    await db.Orders.FindAsync(1);
                }

                public async Task B(ShopContext db)
                {
                    await Task.Run(() => db.SaveChanges());
                }
            }
            """);
    }
}
