using Microsoft.EntityFrameworkCore;
using ShopApp.Data;
using ShopApp.Endpoints;
using ShopApp.Middleware;
using ShopApp.Repositories;
using ShopApp.Services;
using ShopApp.Workers;

var builder = WebApplication.CreateBuilder(args);

// Registers IDbContextFactory<ShopContext> and, since EF Core 6, ShopContext itself as scoped.
// SQLite by default; SHOPAPP_PROVIDER=postgres and SHOPAPP_DB=<connection string> for PostgreSQL.
builder.Services.AddDbContextFactory<ShopContext>(options => options.UseShopDatabase());

// AP1002: one AuditContext for the whole app.
builder.Services.AddSingleton<AuditContext>();

// AP1004: PriceCache takes ShopContext in its constructor.
builder.Services.AddSingleton<PriceCache>();
builder.Services.AddScoped<LegacyReportService>();
builder.Services.AddScoped<ProductSearch>();
builder.Services.AddScoped<OrderService>();
builder.Services.AddScoped<OrderQueryService>();
builder.Services.AddScoped<StockTransferService>();
builder.Services.AddScoped<DashboardService>();
builder.Services.AddScoped<CheckoutService>();
builder.Services.AddHostedService<OrderArchiveWorker>();
builder.Services.AddScoped<IProductRepository, ProductRepository>();
builder.Services.AddScoped<IOrderRepository, OrderRepository>();
builder.Services.AddControllers();

// The cart lives in the session, stored in the distributed cache (in memory here; Redis or SQL
// Server in a farm).
builder.Services.AddDistributedMemoryCache();
// AP5002: the session cookie is readable by scripts (Services/SessionSetup.cs).
builder.Services.AddShopSession();
// AP5003: TokenService signs with a key written in source.
builder.Services.AddSingleton<TokenService>();

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreated();
    scope.ServiceProvider.GetRequiredService<AuditContext>().Database.EnsureCreated();
}

app.UseSession();
app.UseMiddleware<RequestAuditMiddleware>();
app.MapControllers();
app.MapProducts();
app.MapApiCart();
app.MapCart();
app.MapAudit();
app.MapStats();
app.MapPost("/orders", (int productId, int quantity, OrderService orders, CancellationToken cancellationToken)
    => orders.PlaceOrderAsync(productId, quantity, cancellationToken));
app.MapGet("/orders/summary", (OrderService orders, CancellationToken cancellationToken)
    => orders.SummaryAsync(cancellationToken));
app.MapGet("/orders/recent", (OrderQueryService orders, CancellationToken cancellationToken) => orders.RecentAsync(10, cancellationToken));
app.MapPost("/orders/archive", (OrderQueryService orders, CancellationToken cancellationToken) => orders.ArchiveBeforeAsync(DateTime.UtcNow.AddYears(-1), cancellationToken));
app.MapPost("/stock/transfer", (int fromProductId, int toProductId, int quantity, StockTransferService transfers, CancellationToken cancellationToken)
    => transfers.MoveStockAsync(fromProductId, toProductId, quantity, cancellationToken));
app.MapGet("/dashboard", (DashboardService dashboard, CancellationToken cancellationToken)
    => dashboard.LoadAsync(cancellationToken));
app.MapPost("/restock", (DashboardService dashboard, CancellationToken cancellationToken)
    => dashboard.RestockAsync(cancellationToken));
app.MapPost("/checkout", (int productId, int quantity, CheckoutService checkout, CancellationToken cancellationToken)
    => checkout.CheckoutAsync(productId, quantity, cancellationToken));
app.MapPost("/checkout/restock", (int productId, int quantity, CheckoutService checkout, CancellationToken cancellationToken)
    => checkout.RestockAsync(productId, quantity, cancellationToken));
app.MapPost("/tokens", (string userName, TokenService tokens) => tokens.Issue(userName));
app.MapGet("/", () => "ShopApp sample: see samples/README.md");

app.Run();

public partial class Program { }
