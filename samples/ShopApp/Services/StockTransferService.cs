using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

public class StockTransferService(ShopContext db)
{
    // AP4001: two moves between the same products in opposite directions lock the two rows in
    // opposite orders and deadlock each other on a server database (SQLite locks the whole file
    // instead, so the sample only shows the shape).
    public async Task MoveStockAsync(int fromProductId, int toProductId, int quantity, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var from = await db.Products.FromSql($"SELECT * FROM Products WHERE Id = {fromProductId} FOR UPDATE").SingleAsync(cancellationToken);
        var to = await db.Products.FromSql($"SELECT * FROM Products WHERE Id = {toProductId} FOR UPDATE").SingleAsync(cancellationToken);
        from.Stock -= quantity;
        to.Stock += quantity;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
