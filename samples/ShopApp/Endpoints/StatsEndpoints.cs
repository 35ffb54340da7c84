using Microsoft.EntityFrameworkCore;
using ShopApp.Data;
using ShopApp.Services;

namespace ShopApp.Endpoints;

public static class StatsEndpoints
{
    public static void MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", async (IDbContextFactory<ShopContext> factory, CancellationToken cancellationToken) =>
        {
            // AP1003: the context (and its connection) is never disposed.
            var db = await factory.CreateDbContextAsync(cancellationToken);
            var products = await db.Products.CountAsync(cancellationToken);
            var orders = await db.Orders.CountAsync(cancellationToken);
            return Results.Ok(new { products, orders });
        });

        app.MapGet("/api/reports/orders", async (LegacyReportService reports, CancellationToken cancellationToken) =>
            Results.Ok(await reports.CountOrdersAsync(cancellationToken)));

        app.MapGet("/api/products/search", (string term, ProductSearch search) =>
            Results.Ok(search.Search(term).Select(p => new { p.Id, p.Name, p.Price })));

        app.MapGet("/api/products/{id:int}/price", async (int id, PriceCache prices, CancellationToken cancellationToken) =>
            await prices.GetPriceAsync(id, cancellationToken) is { } price ? Results.Ok(price) : Results.NotFound());
    }
}
