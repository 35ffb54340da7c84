using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

public record OrderSummary(int OpenOrders, DateTime? LastOrderAt);

public class OrderService(ShopContext db)
{
    // AP3001: SaveChangesAsync's task is dropped; the request ends (and the scoped context is
    // disposed) while the insert may still be running, and a failure is never seen.
    public Task PlaceOrderAsync(int productId, int quantity, CancellationToken cancellationToken)
    {
        db.Orders.Add(new Order { ProductId = productId, Quantity = quantity, CreatedAt = DateTime.UtcNow });
        db.SaveChangesAsync(cancellationToken);
        return Task.CompletedTask;
    }

    // AP3003: .Result blocks a thread-pool thread for the whole query, inside an async method.
    public async Task<OrderSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var lastOrder = await db.Orders.OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var openOrders = db.Orders.CountAsync(o => !o.Archived, cancellationToken).Result;
        return new OrderSummary(openOrders, lastOrder?.CreatedAt);
    }
}
