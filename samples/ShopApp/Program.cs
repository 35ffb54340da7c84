using Microsoft.EntityFrameworkCore;
using ShopApp.Data;
using ShopApp.Endpoints;
using ShopApp.Middleware;
using ShopApp.Services;
using ShopApp.Workers;

var builder = WebApplication.CreateBuilder(args);
var connectionString = Environment.GetEnvironmentVariable("SHOPAPP_DB") ?? "Data Source=shop.db";

// Registers IDbContextFactory<ShopContext> and, since EF Core 6, ShopContext itself as scoped.
builder.Services.AddDbContextFactory<ShopContext>(options => options.UseSqlite(connectionString));

// AP1002: one AuditContext for the whole app.
builder.Services.AddSingleton<AuditContext>();

// AP1004: PriceCache takes ShopContext in its constructor.
builder.Services.AddSingleton<PriceCache>();
builder.Services.AddScoped<LegacyReportService>();
builder.Services.AddScoped<ProductSearch>();
builder.Services.AddScoped<OrderService>();
builder.Services.AddHostedService<OrderArchiveWorker>();
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

app.UseMiddleware<RequestAuditMiddleware>();
app.UseSession();
app.MapStats();
app.MapPost("/orders", (int productId, int quantity, OrderService orders, CancellationToken cancellationToken)
    => orders.PlaceOrderAsync(productId, quantity, cancellationToken));
app.MapGet("/orders/summary", (OrderService orders, CancellationToken cancellationToken)
    => orders.SummaryAsync(cancellationToken));
app.MapPost("/tokens", (string userName, TokenService tokens) => tokens.Issue(userName));
app.MapGet("/", () => "ShopApp sample: see samples/README.md");

app.Run();

public partial class Program { }
