// The shapes the AP2001 runtime test executes. Each region between "// <shape>" and "// </shape>"
// is also the input or the expected output of a code-fix test (AP2001ConcurrentContextOperationsTests
// .Fix_RuntimeShapes_*): the fixed forms below are exactly what the fixes produce from the bad form.
using Microsoft.EntityFrameworkCore;

// The fixed forms keep the constructor of the bad form, so one of its parameters goes unread.
#pragma warning disable CS9113

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes
{
    // <model>
    public class Order { public int Id { get; set; } public int CustomerId { get; set; } public decimal Total { get; set; } }
    public class Customer { public int Id { get; set; } public string Name { get; set; } = ""; }
    public class RuntimeShopContext(DbContextOptions<RuntimeShopContext> options) : DbContext(options)
    {
        public const string SlowOrdersSql = "SELECT o.* FROM \"Orders\" AS o CROSS JOIN (SELECT pg_sleep(0.5)) AS s";
        public DbSet<Order> Orders => Set<Order>();
        public DbSet<Customer> Customers => Set<Customer>();
    }
    // </model>
}

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes.Bad
{
    // <shape>
    public class Dashboard(RuntimeShopContext db, IDbContextFactory<RuntimeShopContext> factory)
    {
        public async Task<List<int>> LoadAsync(CancellationToken ct)
        {
            var slow = db.Orders.FromSqlRaw(RuntimeShopContext.SlowOrdersSql).ToListAsync(ct);
            var customers = db.Customers.OrderBy(c => c.Id).ToListAsync(ct);
            await Task.WhenAll(slow, customers);
            return (await slow).Select(o => o.Id).Concat((await customers).Select(c => c.Id)).ToList();
        }
    }
    // </shape>
}

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes.Sequential
{
    // <shape>
    public class Dashboard(RuntimeShopContext db, IDbContextFactory<RuntimeShopContext> factory)
    {
        public async Task<List<int>> LoadAsync(CancellationToken ct)
        {
            var slow = await db.Orders.FromSqlRaw(RuntimeShopContext.SlowOrdersSql).ToListAsync(ct);
            var customers = await db.Customers.OrderBy(c => c.Id).ToListAsync(ct);
            return slow.Select(o => o.Id).Concat(customers.Select(c => c.Id)).ToList();
        }
    }
    // </shape>
}

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes.PerOperation
{
    // <shape>
    public class Dashboard(RuntimeShopContext db, IDbContextFactory<RuntimeShopContext> factory)
    {
        public async Task<List<int>> LoadAsync(CancellationToken ct)
        {
            async Task<List<Order>> LoadOrdersAsync()
            {
                await using var db1 = await factory.CreateDbContextAsync(ct);
                return await db1.Orders.FromSqlRaw(RuntimeShopContext.SlowOrdersSql).ToListAsync(ct);
            }
            var slow = LoadOrdersAsync();
            async Task<List<Customer>> LoadCustomersAsync()
            {
                await using var db2 = await factory.CreateDbContextAsync(ct);
                return await db2.Customers.OrderBy(c => c.Id).ToListAsync(ct);
            }
            var customers = LoadCustomersAsync();
            await Task.WhenAll(slow, customers);
            return (await slow).Select(o => o.Id).Concat((await customers).Select(c => c.Id)).ToList();
        }
    }
    // </shape>
}

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes.AP2002Sequential
{
    // <shape>
    public class Report(RuntimeShopContext db, IDbContextFactory<RuntimeShopContext> factory)
    {
        public async Task<List<int>> LoadAsync(CancellationToken ct)
        {
            var orders = await db.Orders.Where(o => o.Total > 3).OrderBy(o => o.Id).ToListAsync(ct);
            var customers = await db.Customers.CountAsync(ct);
            return orders.Select(o => o.Id).Append(customers).ToList();
        }
    }
    // </shape>
}

namespace AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes.AP2002Concurrent
{
    // <shape>
    public class Report(RuntimeShopContext db, IDbContextFactory<RuntimeShopContext> factory)
    {
        public async Task<List<int>> LoadAsync(CancellationToken ct)
        {
            async Task<List<Order>> LoadOrdersAsync()
            {
                await using var db1 = await factory.CreateDbContextAsync(ct);
                return await db1.Orders.Where(o => o.Total > 3).OrderBy(o => o.Id).ToListAsync(ct);
            }
            async Task<int> LoadCustomersAsync()
            {
                await using var db2 = await factory.CreateDbContextAsync(ct);
                return await db2.Customers.CountAsync(ct);
            }
            var ordersTask = LoadOrdersAsync();
            var customersTask = LoadCustomersAsync();
            await Task.WhenAll(ordersTask, customersTask);
            var orders = await ordersTask;
            var customers = await customersTask;
            return orders.Select(o => o.Id).Append(customers).ToList();
        }
    }
    // </shape>
}
