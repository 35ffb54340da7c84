using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

/// <summary>Caches product prices for the lifetime of the app.</summary>
public class PriceCache
{
    private readonly ShopContext _db;
    private Dictionary<int, decimal>? _prices;

    public PriceCache(ShopContext db)
    {
        _db = db;
    }

    public async Task<decimal?> GetPriceAsync(int productId, CancellationToken cancellationToken)
    {
        // AP1004 (at the registration): the singleton keeps the first request's context forever.
        _prices ??= await _db.Products.ToDictionaryAsync(p => p.Id, p => p.Price, cancellationToken);
        return _prices.TryGetValue(productId, out var price) ? price : null;
    }
}
