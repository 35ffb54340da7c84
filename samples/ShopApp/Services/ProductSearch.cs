using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Services;

public class ProductSearch(IDbContextFactory<ShopContext> factory)
{
    public IEnumerable<Product> Search(string term)
    {
        using var db = factory.CreateDbContext();

        // AP1005: the query runs when the caller enumerates it, after 'db' is disposed.
        return db.Products.Where(p => p.Name.Contains(term)).OrderBy(p => p.Name);
    }
}
