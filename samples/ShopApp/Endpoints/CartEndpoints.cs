using Microsoft.Extensions.Caching.Distributed;

namespace ShopApp.Endpoints;

/// <summary>The shopping cart lives in the session; recently viewed products in the distributed cache.</summary>
public static class CartEndpoints
{
    public static void MapCart(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cart/{productId:int}", async (int productId, HttpContext context, IDistributedCache cache) =>
        {
            // AP5001: the first read loads the session with the store's synchronous Get.
            var cart = context.Session.GetString("cart");
            var items = string.IsNullOrEmpty(cart) ? productId.ToString() : cart + "," + productId;
            context.Session.SetString("cart", items);

            // AP5004: a synchronous cache write inside an async handler.
            cache.SetString("recent:" + context.Session.Id, productId.ToString());
            await context.Session.CommitAsync(context.RequestAborted);
            return Results.Ok(items.Split(','));
        });
    }
}
