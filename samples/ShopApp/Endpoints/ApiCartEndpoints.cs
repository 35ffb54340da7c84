namespace ShopApp.Endpoints;

/// <summary>A shopping cart kept in the session: product ids and quantities, one line per product.</summary>
public static class ApiCartEndpoints
{
    private const string CartKey = "cart";

    public static void MapApiCart(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cart", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            // The session is read asynchronously here; without LoadAsync the first access would
            // load it synchronously from the distributed cache.
            await context.Session.LoadAsync(cancellationToken);
            return Results.Ok(ReadCart(context.Session));
        });

        app.MapPost("/api/cart/{productId:int}", async (int productId, int? quantity, HttpContext context, CancellationToken cancellationToken) =>
        {
            await context.Session.LoadAsync(cancellationToken);
            var cart = ReadCart(context.Session);
            cart[productId] = cart.GetValueOrDefault(productId) + (quantity ?? 1);
            context.Session.SetString(CartKey, string.Join(';', cart.Select(line => $"{line.Key}:{line.Value}")));
            await context.Session.CommitAsync(cancellationToken);
            return Results.Ok(cart);
        });
    }

    private static Dictionary<int, int> ReadCart(ISession session)
    {
        var cart = new Dictionary<int, int>();
        foreach (var line in (session.GetString(CartKey) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':');
            cart[int.Parse(parts[0])] = int.Parse(parts[1]);
        }

        return cart;
    }
}
