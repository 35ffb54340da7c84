using Microsoft.AspNetCore.Mvc;
using ShopApp.Data;
using ShopApp.Repositories;

namespace ShopApp.Controllers;

public record PlaceOrderRequest(int ProductId, int Quantity);

/// <summary>The orders API for clients that want resources: create, read, list by product.</summary>
[ApiController]
[Route("api/orders")]
public class OrdersController(IOrderRepository orders, IProductRepository products) : ControllerBase
{
    [HttpGet("{id:int}")]
    public async Task<ActionResult<Order>> Get(int id, CancellationToken cancellationToken) =>
        await orders.FindAsync(id, cancellationToken) is { } order ? order : NotFound();

    [HttpGet]
    public Task<List<Order>> ForProduct([FromQuery] int productId, CancellationToken cancellationToken) =>
        orders.ListForProductAsync(productId, cancellationToken);

    [HttpPost]
    public async Task<ActionResult<Order>> Place(PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (request.Quantity <= 0)
        {
            return ValidationProblem($"Quantity must be positive, not {request.Quantity}.");
        }

        if (await products.FindAsync(request.ProductId, cancellationToken) is null)
        {
            return NotFound();
        }

        var order = await orders.AddAsync(request.ProductId, request.Quantity, cancellationToken);
        return CreatedAtAction(nameof(Get), new { id = order.Id }, order);
    }
}
