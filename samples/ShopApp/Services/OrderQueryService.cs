using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

/// <summary>Order listings and archiving for the endpoints.</summary>
public class OrderQueryService(ShopContext db)
{
    public async Task<List<Order>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        var total = await db.Orders.CountAsync(cancellationToken);

        // AP3002: the synchronous ToList holds a thread-pool thread for the whole query.
        return db.Orders.OrderByDescending(o => o.CreatedAt).Take(Math.Min(count, total)).ToList();
    }

    public async Task<int> ArchiveBeforeAsync(DateTime before, CancellationToken cancellationToken)
    {
        var old = await db.Orders.Where(o => o.CreatedAt < before && !o.Archived).ToListAsync(cancellationToken);
        foreach (var order in old)
        {
            order.Archived = true;
        }

        // AP3004: the request's token is in scope but not passed.
        return await db.SaveChangesAsync();
    }
}
