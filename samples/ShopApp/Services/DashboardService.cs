using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

public record Dashboard(int Products, int OpenOrders, decimal Revenue);

public class DashboardService(ShopContext db, IDbContextFactory<ShopContext> factory)
{
    // AP2001: both queries run at once on the request's one ShopContext. On a real server EF Core
    // throws "A second operation was started on this context instance"; on SQLite it happens to
    // work, because Microsoft.Data.Sqlite completes its async calls synchronously.
    public async Task<int> RestockAsync(CancellationToken cancellationToken)
    {
        var emptyProducts = db.Products.Where(p => p.Stock == 0).ToListAsync(cancellationToken);
        var openOrders = db.Orders.Where(o => !o.Archived).ToListAsync(cancellationToken);
        await Task.WhenAll(emptyProducts, openOrders);
        foreach (var product in await emptyProducts)
        {
            product.Stock = (await openOrders).Where(o => o.ProductId == product.Id).Sum(o => o.Quantity);
        }

        return await db.SaveChangesAsync(cancellationToken);
    }

    // AP2002: three independent read-only queries, one after another.
    public async Task<Dashboard> LoadAsync(CancellationToken cancellationToken)
    {
        var products = await db.Products.CountAsync(cancellationToken);
        var openOrders = await db.Orders.CountAsync(o => !o.Archived, cancellationToken);
        var revenue = await db.Orders.SumAsync(o => o.Quantity * 1m, cancellationToken);
        return new Dashboard(products, openOrders, revenue);
    }
}
