using ShopApp.Repositories;

namespace ShopApp.Endpoints;

public record NewProduct(string Name, decimal Price, int Stock);

public static class ProductEndpoints
{
    public static void MapProducts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/products", (IProductRepository products, CancellationToken cancellationToken) =>
            products.ListAsync(cancellationToken));

        app.MapGet("/api/products/{id:int}", async (int id, IProductRepository products, CancellationToken cancellationToken) =>
            await products.FindAsync(id, cancellationToken) is { } product ? Results.Ok(product) : Results.NotFound());

        app.MapPost("/api/products", async (NewProduct input, IProductRepository products, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(input.Name) || input.Price < 0)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["product"] = ["A product needs a name and a price of zero or more."] });
            }

            var product = await products.AddAsync(input.Name, input.Price, input.Stock, cancellationToken);
            return Results.Created($"/api/products/{product.Id}", product);
        });
    }
}
