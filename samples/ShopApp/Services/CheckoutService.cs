using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

public record CheckoutResult(int OrderId, int StockLeft);

public class CheckoutService(ShopContext db)
{
    // AP4002: the order is saved, then the stock in a second SaveChangesAsync; if the second one
    // fails, the order stays without its stock being taken.
    public async Task<CheckoutResult> CheckoutAsync(int productId, int quantity, CancellationToken cancellationToken)
    {
        var product = await db.Products.SingleAsync(p => p.Id == productId, cancellationToken);
        var order = new Order { ProductId = productId, Quantity = quantity, CreatedAt = DateTime.UtcNow };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);

        product.Stock -= quantity;
        await db.SaveChangesAsync(cancellationToken);
        return new CheckoutResult(order.Id, product.Stock);
    }

    // AP4003: the transaction is committed but never disposed; an exception before the commit
    // leaves it (and its locks) open until the request's context is disposed.
    public async Task RestockAsync(int productId, int quantity, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var product = await db.Products.SingleAsync(p => p.Id == productId, cancellationToken);
        product.Stock += quantity;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
