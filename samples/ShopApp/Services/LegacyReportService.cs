using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

/// <summary>Reports ported from an old desktop app, which kept one context for the whole process.</summary>
public class LegacyReportService
{
    // AP1001: one context for every request and thread.
    private static ShopContext _db = new(new DbContextOptionsBuilder<ShopContext>()
        .UseShopDatabase()
        .Options);

    public async Task<int> CountOrdersAsync(CancellationToken cancellationToken)
    {
        return await _db.Orders.CountAsync(cancellationToken);
    }
}
