using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer,
    AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Concurrency;

public sealed class AP2001ConcurrentContextOperationsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Order { public int Id { get; set; } public int CustomerId { get; set; } }
        public class Customer { public int Id { get; set; } }
        public class ShopContext : DbContext
        {
            public DbSet<Order> Orders => Set<Order>();
            public DbSet<Customer> Customers => Set<Customer>();
        }
        public class AuditContext : DbContext { public DbSet<Order> Entries => Set<Order>(); }

        """;

    private const string WhenAllRemedy = "await them one after another, or give each operation its own context from IDbContextFactory<ShopContext>";

    // ---- WhenAll / WhenAny ----

    [Fact]
    public async Task Diagnostic_WhenAllOverOneContext_ListedDirectly()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db, CancellationToken ct)
                {
                    await Task.{|#0:WhenAll|}(db.Orders.ToListAsync(ct), db.Customers.CountAsync(ct));
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments("'Task.WhenAll' runs 2 operations at once", "db", WhenAllRemedy));
    }

    [Fact]
    public async Task Diagnostic_WhenAnyAndArraysAndCollectionExpressions()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db)
                {
                    await Task.[|WhenAny|](db.Orders.ToListAsync(), db.Orders.ToListAsync());
                    await Task.[|WhenAll|](new[] { db.Orders.CountAsync(), db.Customers.CountAsync() });
                    await Task.[|WhenAll|]([db.Orders.AnyAsync(), db.Customers.AnyAsync()]);
                    var tasks = new List<Task> { db.Orders.ToListAsync(), db.SaveChangesAsync() };
                    await Task.[|WhenAll|](tasks);
                    Task[] array = [db.Orders.ToListAsync(), db.Orders.FindAsync(1).AsTask()];
                    await Task.[|WhenAll|](array);
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_WhenAllOverLocalsHoldingTasks()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var a = db.Orders.ToListAsync();
                    var b = db.Customers.ToListAsync();
                    await Task.[|WhenAll|](a, b);
                    return a.Result.Count + b.Result.Count;
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_InjectedContextsOfOneTypeAreOneInstance()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext first, ShopContext second)
            {
                public async Task M() => await Task.{|#0:WhenAll|}(first.Orders.ToListAsync(), second.Customers.ToListAsync());
            }
            public class D
            {
                private readonly ShopContext _db;
                private readonly ShopContext _other;
                public D(ShopContext db, ShopContext other) { _db = db; _other = other; }
                public Task M() => Task.[|WhenAll|](_db.Orders.ToListAsync(), _other.Orders.CountAsync());
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments("'Task.WhenAll' runs 2 operations at once", "first", WhenAllRemedy));
    }

    [Fact]
    public async Task Diagnostic_AliasesAndQueryLocalsOfOneContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task M()
                {
                    var ctx = db;
                    var open = ctx.Orders.Where(o => o.Id > 0);
                    await Task.[|WhenAll|](open.ToListAsync(), db.Customers.ToListAsync());
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SeparateContextsFromFactory()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task M(CancellationToken ct)
                {
                    await using var db1 = await factory.CreateDbContextAsync(ct);
                    await using var db2 = await factory.CreateDbContextAsync(ct);
                    await Task.WhenAll(db1.Orders.ToListAsync(ct), db2.Customers.ToListAsync(ct));
                    await Task.WhenAll(LoadAsync(ct), LoadAsync(ct));
                }

                private async Task<int> LoadAsync(CancellationToken ct)
                {
                    await using var db = await factory.CreateDbContextAsync(ct);
                    return await db.Orders.CountAsync(ct);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_DifferentContextTypesAndNonEfTasks()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext shop, AuditContext audit)
            {
                public async Task M()
                {
                    await Task.WhenAll(shop.Orders.ToListAsync(), audit.Entries.ToListAsync());
                    await Task.WhenAll(Task.Delay(10), shop.Orders.ToListAsync());
                    await Task.WhenAll(Task.Delay(10), Task.Delay(20));
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SequentialAwaitsAndTaskAwaitedBeforeTheNext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db)
                {
                    var orders = await db.Orders.ToListAsync();
                    var count = await db.Customers.CountAsync();
                    var a = db.Orders.ToListAsync();
                    await a;
                    var b = db.Customers.ToListAsync();
                    await Task.WhenAll(a, b);
                }
            }
            """);
    }

    // ---- Select ----

    [Fact]
    public async Task Diagnostic_SelectWithSharedContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<Order?[]> M(int[] ids)
                    => await Task.{|#0:WhenAll|}(ids.Select(async id => await db.Orders.FindAsync(id)));

                public Task<Order?[]> N(IEnumerable<int> ids)
                    => Task.[|WhenAll|](ids.Select(id => db.Orders.FindAsync(id).AsTask()).ToList());
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments(
                "'Task.WhenAll' runs the operation of every 'Select' element at once", "db",
                "await them in a loop, or create a context per element from IDbContextFactory<ShopContext>"));
    }

    [Fact]
    public async Task NoDiagnostic_SelectCreatingAContextPerElement()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> f)
            {
                public async Task<Order?[]> M(int[] ids)
                    => await Task.WhenAll(ids.Select(async id =>
                    {
                        await using var db = await f.CreateDbContextAsync();
                        return await db.Orders.FindAsync(id);
                    }));
            }
            """);
    }

    // ---- pending task ----

    [Fact]
    public async Task Diagnostic_SecondOperationWhileStoredTaskPending()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var t = db.Orders.ToListAsync();
                    var n = await db.Orders.{|#0:CountAsync|}();
                    await t;
                    return n;
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments(
                "'CountAsync' starts while task 't' is still running", "db",
                "await 't' first, or give it its own context from IDbContextFactory<ShopContext>"));
    }

    [Fact]
    public async Task Diagnostic_TwoStoredTasksAwaitedOneByOne()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M()
                {
                    var a = db.Orders.ToListAsync();
                    var b = db.Customers.[|ToListAsync|]();
                    return (await a).Count + (await b).Count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_StoredTaskAwaitedFirst_OrOtherContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(ShopContext db)
                {
                    var t = db.Orders.ToListAsync();
                    var orders = await t;
                    var n = await db.Orders.CountAsync();
                    await using var other = factory.CreateDbContext();
                    var u = db.Orders.ToListAsync();
                    var m = await other.Orders.CountAsync();
                    await u;
                    return orders.Count + n + m;
                }
            }
            """);
    }

    // ---- Parallel ----

    [Fact]
    public async Task Diagnostic_ParallelBodiesUsingOuterContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task M(int[] ids, CancellationToken ct)
                {
                    await Parallel.{|#0:ForEachAsync|}(ids, ct, async (id, token) =>
                    {
                        var order = await db.Orders.FindAsync(new object[] { id }, token);
                    });
                    Parallel.[|ForEach|](ids, id => db.Orders.Count(o => o.Id == id));
                    Parallel.[|For|](0, 10, i => db.SaveChanges());
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments(
                "The body of 'Parallel.ForEachAsync' runs in parallel", "db",
                "create a context inside the body from IDbContextFactory<ShopContext>"));
    }

    [Fact]
    public async Task NoDiagnostic_ParallelBodyCreatingItsOwnContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task M(int[] ids, CancellationToken ct)
                {
                    await Parallel.ForEachAsync(ids, ct, async (id, token) =>
                    {
                        await using var db = await factory.CreateDbContextAsync(token);
                        var order = await db.Orders.FindAsync(new object[] { id }, token);
                    });
                    Parallel.ForEach(ids, id => { using var db = factory.CreateDbContext(); db.Orders.Count(); });
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer>
        {
            TestCode = """
                using System.Threading.Tasks;
                public class C
                {
                    public Task M() => Task.WhenAll(Task.Delay(1), Task.Delay(2));
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_HalfTypedCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db)
                {
                    await Task.WhenAll({|CS0103:x|}, db.Orders.ToListAsync());
                    var t = db.Orders.ToListAsync();
                    await Task.WhenAll(t, {|CS0103:y|});
                }
            }
            """);
    }

    // ---- fixes ----

    [Fact]
    public async Task Fix_Sequential_WhenAllStatementOverListedTasks()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task M(ShopContext db, CancellationToken ct)
                {
                    // load both
                    await Task.[|WhenAll|](db.Orders.ToListAsync(ct), db.Customers.CountAsync(ct));
                    Console.WriteLine("done");
                }
            }
            """, Usings + """
            public class C
            {
                public async Task M(ShopContext db, CancellationToken ct)
                {
                    // load both
                    await db.Orders.ToListAsync(ct);
                    await db.Customers.CountAsync(ct);
                    Console.WriteLine("done");
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_Sequential_WhenAllResultArrayKept()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var counts = await Task.[|WhenAll|](new[] { db.Orders.CountAsync(), db.Customers.CountAsync() });
                    return counts.Sum();
                }
            }
            """, Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var counts = new int[] { await db.Orders.CountAsync(), await db.Customers.CountAsync() };
                    return counts.Sum();
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_Sequential_LocalsBecomeAwaitedValues()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var a = db.Orders.ToListAsync();
                    var b = db.Customers.ToListAsync();
                    await Task.[|WhenAll|](a, b);
                    return a.Result.Count + (await b).Count;
                }
            }
            """, Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var a = await db.Orders.ToListAsync();
                    var b = await db.Customers.ToListAsync();
                    return a.Count + b.Count;
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_Sequential_PendingTaskAwaitedWhereDeclared()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var t = db.Orders.ToListAsync();
                    var n = await db.Orders.[|CountAsync|]();
                    var orders = await t;
                    return n + orders.Count;
                }
            }
            """, Usings + """
            public class C
            {
                public async Task<int> M(ShopContext db)
                {
                    var t = await db.Orders.ToListAsync();
                    var n = await db.Orders.CountAsync();
                    var orders = t;
                    return n + orders.Count;
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_ContextPerOperation_WhenAllWithInjectedFactory()
    {
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer, AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix>
        {
            TestCode = Usings + """
                public class C(ShopContext db, IDbContextFactory<ShopContext> factory)
                {
                    public async Task<int> M(CancellationToken ct)
                    {
                        var orders = db.Orders.Where(o => o.Id > 0).ToListAsync(ct);
                        var customers = db.Customers.CountAsync(ct);
                        await Task.[|WhenAll|](orders, customers);
                        return (await orders).Count + await customers;
                    }
                }
                """,
            FixedCode = Usings + """
                public class C(ShopContext db, IDbContextFactory<ShopContext> factory)
                {
                    public async Task<int> M(CancellationToken ct)
                    {
                        async Task<List<Order>> LoadOrdersAsync()
                        {
                            await using var db1 = await factory.CreateDbContextAsync(ct);
                            return await db1.Orders.Where(o => o.Id > 0).ToListAsync(ct);
                        }
                        var orders = LoadOrdersAsync();
                        async Task<int> LoadCustomersAsync()
                        {
                            await using var db2 = await factory.CreateDbContextAsync(ct);
                            return await db2.Customers.CountAsync(ct);
                        }
                        var customers = LoadCustomersAsync();
                        await Task.WhenAll(orders, customers);
                        return (await orders).Count + await customers;
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix.ContextPerOperationKey,
            CodeActionIndex = 1,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_ContextPerOperation_ParallelForEachAsyncAndSelect()
    {
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer, AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix>
        {
            TestCode = Usings + """
                public class C
                {
                    private readonly ShopContext _db;
                    private readonly IDbContextFactory<ShopContext> _factory;
                    public C(ShopContext db, IDbContextFactory<ShopContext> factory) { _db = db; _factory = factory; }

                    public async Task M(int[] ids, CancellationToken ct)
                    {
                        await Parallel.[|ForEachAsync|](ids, ct, async (id, token) =>
                        {
                            var order = await _db.Orders.FindAsync(new object[] { id }, token);
                        });
                        var found = await Task.[|WhenAll|](ids.Select(id => _db.Orders.FindAsync(id).AsTask()));
                    }
                }
                """,
            FixedCode = Usings + """
                public class C
                {
                    private readonly ShopContext _db;
                    private readonly IDbContextFactory<ShopContext> _factory;
                    public C(ShopContext db, IDbContextFactory<ShopContext> factory) { _db = db; _factory = factory; }

                    public async Task M(int[] ids, CancellationToken ct)
                    {
                        await Parallel.ForEachAsync(ids, ct, async (id, token) =>
                        {
                            await using var db1 = await _factory.CreateDbContextAsync(token);
                            var order = await db1.Orders.FindAsync(new object[] { id }, token);
                        });
                        var found = await Task.WhenAll(ids.Select(async id =>
                        {
                            await using var db2 = await _factory.CreateDbContextAsync(ct);
                            return await db2.Orders.FindAsync(id).AsTask();
                        }));
                    }
                }
                """,
            CodeActionEquivalenceKey = AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix.ContextPerOperationKey,
        }.RunAsync();
    }

    [Fact]
    public async Task FixAll_SequentialAcrossShapes()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M()
                {
                    await Task.[|WhenAll|](db.Orders.ToListAsync(), db.Customers.ToListAsync());
                    var t = db.Orders.CountAsync();
                    var n = await db.Customers.[|CountAsync|]();
                    return n + await t;
                }

                public async Task N()
                {
                    var a = db.Orders.ToListAsync();
                    var b = db.Orders.ToListAsync();
                    await Task.[|WhenAll|]([a, b]);
                }
            }
            """, Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M()
                {
                    await db.Orders.ToListAsync();
                    await db.Customers.ToListAsync();
                    var t = await db.Orders.CountAsync();
                    var n = await db.Customers.CountAsync();
                    return n + t;
                }

                public async Task N()
                {
                    var a = await db.Orders.ToListAsync();
                    var b = await db.Orders.ToListAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_NoSequentialFix_WhenTaskIsPassedOn()
    {
        var source = Usings + """
            public class C
            {
                public async Task M(ShopContext db)
                {
                    var a = db.Orders.ToListAsync();
                    var b = db.Orders.ToListAsync();
                    await Task.[|WhenAll|](a, b);
                    Keep(a);
                }
                private static void Keep(Task t) { }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public record Dashboard(List<Order> Orders, int Customers);
            public class Sequential(ShopContext _db)
            {
                public async Task<Dashboard> LoadAsync(CancellationToken ct)
                {
                    var orders = await _db.Orders.Where(o => o.Id > 0).ToListAsync(ct);
                    var customers = await _db.Customers.CountAsync(ct);
                    return new Dashboard(orders, customers);
                }
            }
            public class Concurrent(IDbContextFactory<ShopContext> _factory)
            {
                public async Task<Dashboard> LoadAsync(CancellationToken ct)
                {
                    async Task<List<Order>> LoadOrdersAsync()
                    {
                        await using var db1 = await _factory.CreateDbContextAsync(ct);
                        return await db1.Orders.Where(o => o.Id > 0).ToListAsync(ct);
                    }
                    var orders = LoadOrdersAsync();
                    async Task<int> LoadCustomersAsync()
                    {
                        await using var db2 = await _factory.CreateDbContextAsync(ct);
                        return await db2.Customers.CountAsync(ct);
                    }
                    var customers = LoadCustomersAsync();
                    await Task.WhenAll(orders, customers);
                    return new Dashboard(await orders, await customers);
                }
            }
            """);
    }

    // ---- the runtime test's code is the fixes' output ----

    private const string RuntimeUsings = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    /// <summary>The region after the <paramref name="occurrence"/>-th "// &lt;shape&gt;" (0: model) of Runtime/AP2001Shapes.cs, dedented.</summary>
    internal static string RuntimeShape(string file, string marker, int occurrence)
    {
        var text = File.ReadAllText(AsyncPatterns.Analyzers.Tests.Meta.RepositoryRoot.Combine("tests", "AsyncPatterns.Analyzers.Tests", "Runtime", file)).Replace("\r\n", "\n");
        var start = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            start = text.IndexOf("// <" + marker + ">\n", start + 1, StringComparison.Ordinal);
        }

        var begin = start + marker.Length + 6;
        var end = text.IndexOf("    // </" + marker + ">", begin, StringComparison.Ordinal);
        var lines = text[begin..end].Split('\n').Select(l => l.StartsWith("    ", StringComparison.Ordinal) ? l[4..] : l);
        return string.Join("\n", lines);
    }

    private static string RuntimeSource(int shape)
        => RuntimeUsings + RuntimeShape("AP2001Shapes.cs", "model", 0) + RuntimeShape("AP2001Shapes.cs", "shape", shape);

    [Fact]
    public async Task Fix_RuntimeShapes_Sequential()
    {
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer, AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix>
        {
            TestCode = RuntimeSource(0).Replace("Task.WhenAll(", "Task.[|WhenAll|]("),
            FixedCode = RuntimeSource(1),
            CodeActionEquivalenceKey = AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix.SequentialKey,
            CodeActionIndex = 0,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_RuntimeShapes_ContextPerOperation()
    {
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Concurrency.AP2001ConcurrentContextOperationsAnalyzer, AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix>
        {
            TestCode = RuntimeSource(0).Replace("Task.WhenAll(", "Task.[|WhenAll|]("),
            FixedCode = RuntimeSource(2),
            CodeActionEquivalenceKey = AsyncPatterns.CodeFixes.Concurrency.AP2001ConcurrentContextOperationsCodeFix.ContextPerOperationKey,
            CodeActionIndex = 1,
        }.RunAsync();
    }
}
