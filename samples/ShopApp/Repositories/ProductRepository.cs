using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Repositories;

public interface IProductRepository
{
    Task<List<Product>> ListAsync(CancellationToken cancellationToken);

    Task<Product?> FindAsync(int id, CancellationToken cancellationToken);

    Task<Product> AddAsync(string name, decimal price, int stock, CancellationToken cancellationToken);
}

/// <summary>Products over the request's scoped <see cref="ShopContext"/>.</summary>
public class ProductRepository(ShopContext db) : IProductRepository
{
    public Task<List<Product>> ListAsync(CancellationToken cancellationToken) =>
        db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync(cancellationToken);

    public Task<Product?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    public async Task<Product> AddAsync(string name, decimal price, int stock, CancellationToken cancellationToken)
    {
        var product = new Product { Name = name, Price = price, Stock = stock };
        db.Products.Add(product);
        await db.SaveChangesAsync(cancellationToken);
        return product;
    }
}
