using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using AsyncPatterns.Analyzers.Tests.Runtime.AP2001Shapes;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

/// <summary>
/// AP2001 and AP2002 on a real PostgreSQL server: the bad shape really throws EF Core's "second
/// operation" error (the first query waits in the server with pg_sleep, so the overlap is certain),
/// and the code the fixes produce (AP2001Shapes.cs, checked against the fixes' output by
/// AP2001ConcurrentContextOperationsTests and AP2002IndependentSequentialQueriesTests) returns the
/// same rows as the sequential reference. On SQLite the bad shape would pass: Microsoft.Data.Sqlite
/// completes its async calls synchronously.
/// </summary>
[Collection(PostgresCollection.Name)]
public class AP2001ConcurrencyRuntimeTests(PostgresServer server, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task BadShapeThrows_FixedShapesReturnTheSameRows()
    {
        var connectionString = await server.CreateDatabaseAsync("ap2001");
        var options = new DbContextOptionsBuilder<RuntimeShopContext>().UseNpgsql(connectionString).Options;
        var factory = new Factory(options);
        await using (var setup = factory.CreateDbContext())
        {
            await setup.Database.EnsureCreatedAsync();
            setup.Customers.AddRange(Enumerable.Range(1, 5).Select(i => new Customer { Name = "c" + i }));
            setup.Orders.AddRange(Enumerable.Range(1, 12).Select(i => new Order { CustomerId = 1 + (i % 5), Total = i }));
            await setup.SaveChangesAsync();
        }

        // The sequential reference: one query after the other on one context.
        List<int> reference;
        await using (var db = factory.CreateDbContext())
        {
            var orders = await db.Orders.FromSqlRaw(RuntimeShopContext.SlowOrdersSql).ToListAsync();
            var customers = await db.Customers.OrderBy(c => c.Id).ToListAsync();
            reference = orders.Select(o => o.Id).Concat(customers.Select(c => c.Id)).ToList();
        }

        Assert.Equal(17, reference.Count);

        InvalidOperationException thrown;
        await using (var db = factory.CreateDbContext())
        {
            thrown = await Assert.ThrowsAsync<InvalidOperationException>(
                () => new AP2001Shapes.Bad.Dashboard(db, factory).LoadAsync(CancellationToken.None));
        }

        Assert.Contains("A second operation was started on this context instance", thrown.Message);

        List<int> sequential;
        await using (var db = factory.CreateDbContext())
        {
            sequential = await new AP2001Shapes.Sequential.Dashboard(db, factory).LoadAsync(CancellationToken.None);
        }

        List<int> perOperation;
        await using (var db = factory.CreateDbContext())
        {
            perOperation = await new AP2001Shapes.PerOperation.Dashboard(db, factory).LoadAsync(CancellationToken.None);
        }

        Assert.Equal(reference, sequential);
        Assert.Equal(reference, perOperation);

        var ap2002Equal = await AP2002RewriteEqualsSequentialAsync(factory);
        Assert.True(ap2002Equal);

        var line = $"[runtime] AP2001: bad shape threw InvalidOperationException; sequential fix rows={sequential.Count}; factory fix rows={perOperation.Count}; AP2002 rewrite equal={ap2002Equal}";
        TestReport.Write(output, line);
    }

    private static async Task<bool> AP2002RewriteEqualsSequentialAsync(Factory factory)
    {
        await using var db = factory.CreateDbContext();
        var sequential = await new AP2001Shapes.AP2002Sequential.Report(db, factory).LoadAsync(CancellationToken.None);
        var concurrent = await new AP2001Shapes.AP2002Concurrent.Report(db, factory).LoadAsync(CancellationToken.None);
        Assert.NotEmpty(sequential);
        return sequential.SequenceEqual(concurrent);
    }

    private sealed class Factory(DbContextOptions<RuntimeShopContext> options) : IDbContextFactory<RuntimeShopContext>
    {
        public RuntimeShopContext CreateDbContext() => new(options);
    }
}
