using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Concurrency.AP2002IndependentSequentialQueriesAnalyzer,
    AsyncPatterns.CodeFixes.Concurrency.AP2002IndependentSequentialQueriesCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Concurrency;

public sealed class AP2002IndependentSequentialQueriesTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;

        public class Order { public int Id { get; set; } public int CustomerId { get; set; } public decimal Total { get; set; } }
        public class Customer { public int Id { get; set; } }
        public class ShopContext : DbContext
        {
            public DbSet<Order> Orders => Set<Order>();
            public DbSet<Customer> Customers => Set<Customer>();
        }

        """;

    [Fact]
    public async Task Diagnostic_IndependentQueriesOnOneContext()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M(CancellationToken ct)
                {
                    var orders = await db.Orders.Where(o => o.Total > 10).ToListAsync(ct);
                    var count = {|#0:await|} db.Customers.CountAsync(ct);
                    return orders.Count + count;
                }
            }
            """, VerifyCS.Diagnostic().WithLocation(0).WithArguments("CountAsync", "start them together on separate contexts and await Task.WhenAll"));
    }

    [Fact]
    public async Task Diagnostic_ThreeQueriesAndFindOnSeparateContexts()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(int id)
                {
                    await using var db1 = factory.CreateDbContext();
                    await using var db2 = factory.CreateDbContext();
                    var order = await db1.Orders.FindAsync(id);
                    var any = [|await|] db2.Customers.AnyAsync();
                    var total = [|await|] db1.Orders.SumAsync(o => o.Total);
                    return (order?.Id ?? 0) + (any ? 1 : 0) + (int)total;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_RowLockQueries()
    {
        // Found by the robustness test on AP4001's inputs: lock acquisitions are ordered on purpose
        // (AP4001) and must not be started together on separate contexts.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                private const string LockOrder = "SELECT * FROM Orders WITH (UPDLOCK, ROWLOCK) WHERE Id = ";

                public async Task<decimal> M(int a, int b)
                {
                    var first = await db.Orders.FromSqlRaw(LockOrder + "{0}", Math.Min(a, b)).SingleAsync();
                    var second = await db.Orders.FromSqlRaw(LockOrder + "{0}", Math.Max(a, b)).SingleAsync();
                    return first.Total + second.Total;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_DependentQuery()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M(int id)
                {
                    var order = await db.Orders.FirstAsync(o => o.Id == id);
                    var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == order.CustomerId);
                    return customer?.Id ?? 0;
                }

                public async Task<int> N()
                {
                    var ids = await db.Orders.Select(o => o.Id).ToListAsync();
                    var count = await db.Customers.CountAsync(c => ids.Contains(c.Id));
                    return count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_InsideTransaction_OrTransactionScope()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M()
                {
                    await using var tx = await db.Database.BeginTransactionAsync();
                    var orders = await db.Orders.ToListAsync();
                    var count = await db.Customers.CountAsync();
                    await tx.CommitAsync();
                    return orders.Count + count;
                }

                public async Task<int> N()
                {
                    using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    var orders = await db.Orders.ToListAsync();
                    var count = await db.Customers.CountAsync();
                    scope.Complete();
                    return orders.Count + count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_ResultsModifiedAndSaved()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task M()
                {
                    var orders = await db.Orders.ToListAsync();
                    var count = await db.Customers.CountAsync();
                    foreach (var order in orders)
                    {
                        order.Total += count;
                    }
                    await db.SaveChangesAsync();
                }

                public async Task<int> N()
                {
                    var first = await db.Orders.FirstAsync();
                    var count = await db.Customers.CountAsync();
                    first.Total = count;
                    return count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SingleQuery_SyncCode_NonEfAwaitBetween()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> Single() => (await db.Orders.ToListAsync()).Count;

                public int Sync()
                {
                    var orders = db.Orders.ToList();
                    var count = db.Customers.Count();
                    return orders.Count + count;
                }

                public async Task<int> Between()
                {
                    var orders = await db.Orders.ToListAsync();
                    await Task.Delay(10);
                    var count = await db.Customers.CountAsync();
                    return orders.Count + count;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Concurrency.AP2002IndependentSequentialQueriesAnalyzer>
        {
            TestCode = """
                using System.Threading.Tasks;
                public class C
                {
                    public async Task<int> M() { var a = await Task.FromResult(1); var b = await Task.FromResult(2); return a + b; }
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_NotOffered_SharedContextWithoutFactory()
    {
        var source = Usings + """
            public class C(ShopContext db)
            {
                public async Task<int> M()
                {
                    var orders = await db.Orders.ToListAsync();
                    var count = [|await|] db.Customers.CountAsync();
                    return orders.Count + count;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task Fix_FactoryInScope_LocalFunctionsAndWhenAll()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C(ShopContext db, IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(CancellationToken ct)
                {
                    var orders = await db.Orders.Where(o => o.Total > 10).ToListAsync(ct);
                    var count = [|await|] db.Customers.CountAsync(ct);
                    return orders.Count + count;
                }
            }
            """, Usings + """
            public class C(ShopContext db, IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(CancellationToken ct)
                {
                    async Task<List<Order>> LoadOrdersAsync()
                    {
                        await using var db1 = await factory.CreateDbContextAsync(ct);
                        return await db1.Orders.Where(o => o.Total > 10).ToListAsync(ct);
                    }
                    async Task<int> LoadCountAsync()
                    {
                        await using var db2 = await factory.CreateDbContextAsync(ct);
                        return await db2.Customers.CountAsync(ct);
                    }
                    var ordersTask = LoadOrdersAsync();
                    var countTask = LoadCountAsync();
                    await Task.WhenAll(ordersTask, countTask);
                    var orders = await ordersTask;
                    var count = await countTask;
                    return orders.Count + count;
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_SeparateContextsExist_StartBothThenWhenAll()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C
            {
                public async Task<int> M(ShopContext first, ShopContext second, int id)
                {
                    var order = await first.Orders.FindAsync(id);
                    var count = [|await|] second.Customers.CountAsync();
                    return (order?.Id ?? 0) + count;
                }
            }
            """, Usings + """
            public class C
            {
                public async Task<int> M(ShopContext first, ShopContext second, int id)
                {
                    var orderTask = first.Orders.FindAsync(id).AsTask();
                    var countTask = second.Customers.CountAsync();
                    await Task.WhenAll(orderTask, countTask);
                    var order = await orderTask;
                    var count = await countTask;
                    return (order?.Id ?? 0) + count;
                }
            }
            """);
    }

    [Fact]
    public async Task FixAll_TwoMethods()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(ShopContext a, ShopContext b)
                {
                    var x = await a.Orders.CountAsync();
                    var y = [|await|] b.Orders.CountAsync();
                    return x + y;
                }

                public async Task<int> N(ShopContext a, ShopContext b)
                {
                    var x = await a.Customers.CountAsync();
                    var y = [|await|] b.Customers.CountAsync();
                    return x + y;
                }
            }
            """, Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> M(ShopContext a, ShopContext b)
                {
                    var xTask = a.Orders.CountAsync();
                    var yTask = b.Orders.CountAsync();
                    await Task.WhenAll(xTask, yTask);
                    var x = await xTask;
                    var y = await yTask;
                    return x + y;
                }

                public async Task<int> N(ShopContext a, ShopContext b)
                {
                    var xTask = a.Customers.CountAsync();
                    var yTask = b.Customers.CountAsync();
                    await Task.WhenAll(xTask, yTask);
                    var x = await xTask;
                    var y = await yTask;
                    return x + y;
                }
            }
            """);
    }

    /// <summary>The AP2002 shapes the runtime test executes (Runtime/AP2001Shapes.cs) are the fix's input and output.</summary>
    [Fact]
    public async Task Fix_RuntimeShapes_RunConcurrently()
    {
        const string usings = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            """;
        var model = AP2001ConcurrentContextOperationsTests.RuntimeShape("AP2001Shapes.cs", "model", 0);
        var sequential = AP2001ConcurrentContextOperationsTests.RuntimeShape("AP2001Shapes.cs", "shape", 3);
        var concurrent = AP2001ConcurrentContextOperationsTests.RuntimeShape("AP2001Shapes.cs", "shape", 4);
        Assert.Contains("class Report", sequential);
        await VerifyCS.VerifyCodeFixAsync(
            usings + model + sequential.Replace("var customers = await", "var customers = [|await|]"),
            usings + model + concurrent);
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDbContextFactory<ShopContext> factory)
            {
                public async Task<int> DashboardAsync(CancellationToken ct)
                {
                    async Task<List<Order>> LoadOrdersAsync()
                    {
                        await using var db1 = await factory.CreateDbContextAsync(ct);
                        return await db1.Orders.Where(o => o.Total > 10).ToListAsync(ct);
                    }
                    async Task<int> LoadCountAsync()
                    {
                        await using var db2 = await factory.CreateDbContextAsync(ct);
                        return await db2.Customers.CountAsync(ct);
                    }
                    var ordersTask = LoadOrdersAsync();
                    var countTask = LoadCountAsync();
                    await Task.WhenAll(ordersTask, countTask);
                    var orders = await ordersTask;
                    var count = await countTask;
                    return orders.Count + count;
                }
            }
            """);
    }
}
