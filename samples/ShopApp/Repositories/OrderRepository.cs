using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Repositories;

public interface IOrderRepository
{
    Task<Order?> FindAsync(int id, CancellationToken cancellationToken);

    Task<List<Order>> ListForProductAsync(int productId, CancellationToken cancellationToken);

    Task<Order> AddAsync(int productId, int quantity, CancellationToken cancellationToken);
}

/// <summary>Orders over the request's scoped <see cref="ShopContext"/>.</summary>
public class OrderRepository(ShopContext db) : IOrderRepository
{
    public Task<Order?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);

    public Task<List<Order>> ListForProductAsync(int productId, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().Where(o => o.ProductId == productId).OrderBy(o => o.Id).ToListAsync(cancellationToken);

    public async Task<Order> AddAsync(int productId, int quantity, CancellationToken cancellationToken)
    {
        var order = new Order { ProductId = productId, Quantity = quantity, CreatedAt = DateTime.UtcNow };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }
}
