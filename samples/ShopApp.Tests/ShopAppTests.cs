using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace ShopApp.Tests;

/// <summary>Every endpoint of ShopApp, over HTTP against the running app. The tests pass on the
/// sample as committed (with its mistakes) and on the copy our fixes rewrote: the fixes keep
/// meaning. Where a mistake makes a request fail at runtime, the test accepts exactly that failure
/// on the original (named in the test, and only when the app's log shows its cause) and never on
/// the fixed copy (<see cref="ShopAppServer.StrictVariable"/>).</summary>
public sealed class ShopAppTests(ShopAppServer app, ITestOutputHelper output) : IClassFixture<ShopAppServer>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Root_AnswersWithTheSampleBanner()
    {
        var text = await Client.GetStringAsync("/");
        Assert.Contains("ShopApp sample", text);
    }

    [Fact]
    public async Task Products_SeededProductsAreListedAndFound()
    {
        var listed = await Client.GetFromJsonAsync<List<SeededProduct>>("/api/products");
        Assert.NotNull(listed);
        foreach (var product in app.Products)
        {
            Assert.Contains(listed, p => p.Id == product.Id && p.Name == product.Name && p.Price == product.Price);
        }

        var first = app.Products[0];
        var found = await Client.GetFromJsonAsync<SeededProduct>($"/api/products/{first.Id}");
        Assert.Equal(first, found);

        using var missing = await Client.GetAsync("/api/products/987654");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var invalid = await Client.PostAsJsonAsync("/api/products", new { name = "", price = -1m, stock = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task OrdersController_PlacesReadsAndListsOrders()
    {
        var product = app.Products[1];
        using var created = await Client.PostAsJsonAsync("/api/orders", new { productId = product.Id, quantity = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = await created.Content.ReadFromJsonAsync<OrderDto>();
        Assert.NotNull(order);
        Assert.Equal(product.Id, order.ProductId);
        Assert.Equal(2, order.Quantity);
        Assert.False(order.Archived);
        Assert.NotNull(created.Headers.Location);
        Assert.EndsWith($"/api/orders/{order.Id}", created.Headers.Location.ToString(), StringComparison.OrdinalIgnoreCase);

        // PostgreSQL keeps timestamps to the microsecond, .NET to 100 ns: the stored time may be
        // the created one truncated.
        var read = await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{order.Id}");
        Assert.Equal(order with { CreatedAt = default }, read! with { CreatedAt = default });
        Assert.True((order.CreatedAt - read.CreatedAt).Duration() < TimeSpan.FromMilliseconds(1), $"{order.CreatedAt:O} was stored as {read.CreatedAt:O}");

        var listed = await Client.GetFromJsonAsync<List<OrderDto>>($"/api/orders?productId={product.Id}");
        Assert.Contains(listed!, o => o.Id == order.Id);

        using var unknownProduct = await Client.PostAsJsonAsync("/api/orders", new { productId = 987654, quantity = 1 });
        Assert.Equal(HttpStatusCode.NotFound, unknownProduct.StatusCode);

        using var badQuantity = await Client.PostAsJsonAsync("/api/orders", new { productId = product.Id, quantity = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, badQuantity.StatusCode);

        using var missing = await Client.GetAsync("/api/orders/987654");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task MinimalApi_PlacesAnOrderThatIsSaved()
    {
        var product = app.Products[2];
        using var placed = await Client.PostAsync($"/orders?productId={product.Id}&quantity=3", content: null);
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);

        // The original drops SaveChangesAsync's task (AP3001): the response may leave before the
        // insert ends, so the order is looked for until it shows up (it always does on SQLite,
        // whose ADO.NET provider completes "async" calls synchronously; the fixed copy awaits it).
        List<OrderDto>? orders = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            orders = await Client.GetFromJsonAsync<List<OrderDto>>($"/api/orders?productId={product.Id}");
            if (orders!.Count > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        var order = Assert.Single(orders!);
        Assert.Equal(3, order.Quantity);
    }

    [Fact]
    public async Task OrderSummary_CountsOpenOrdersAndTheLastOrder()
    {
        var product = app.Products[3];
        using var created = await Client.PostAsJsonAsync("/api/orders", new { productId = product.Id, quantity = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = (await created.Content.ReadFromJsonAsync<OrderDto>())!;

        var summary = await Client.GetFromJsonAsync<JsonElement>("/orders/summary");
        Assert.True(summary.GetProperty("openOrders").GetInt32() >= 1);
        var lastOrderAt = summary.GetProperty("lastOrderAt").GetDateTime();
        Assert.True(lastOrderAt >= order.CreatedAt.AddSeconds(-1), $"lastOrderAt {lastOrderAt:O} is before the order just placed ({order.CreatedAt:O})");
    }

    [Fact]
    public async Task RecentOrders_AreNewestFirstAndAtMostTen()
    {
        var product = app.Products[4];
        for (var i = 0; i < 2; i++)
        {
            using var created = await Client.PostAsJsonAsync("/api/orders", new { productId = product.Id, quantity = 1 + i });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var recent = await Client.GetFromJsonAsync<List<OrderDto>>("/orders/recent");
        Assert.NotNull(recent);
        Assert.InRange(recent.Count, 2, 10);
        Assert.Equal(recent.OrderByDescending(o => o.CreatedAt).Select(o => o.Id), recent.Select(o => o.Id));
    }

    [Fact]
    public async Task Archive_ArchivesNothingYoungerThanAYear()
    {
        using var response = await Client.PostAsync("/orders/archive", content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await response.Content.ReadFromJsonAsync<int>());
    }

    [Fact]
    public async Task Stats_CountProductsAndOrders()
    {
        var stats = await Client.GetFromJsonAsync<JsonElement>("/api/stats");
        Assert.True(stats.GetProperty("products").GetInt32() >= app.Products.Count);
        Assert.True(stats.GetProperty("orders").GetInt32() >= 0);
    }

    [Fact]
    public async Task LegacyReport_CountsOrders()
    {
        var stats = await Client.GetFromJsonAsync<JsonElement>("/api/stats");
        var count = await Client.GetFromJsonAsync<int>("/api/reports/orders");
        Assert.Equal(stats.GetProperty("orders").GetInt32(), count);
    }

    [Fact]
    public async Task Price_OfASeededProductAndNotFoundForAnUnknownOne()
    {
        foreach (var product in app.Products)
        {
            Assert.Equal(product.Price, await Client.GetFromJsonAsync<decimal>($"/api/products/{product.Id}/price"));
        }

        using var missing = await Client.GetAsync("/api/products/987654/price");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Search_FindsProductsByName()
    {
        using var response = await Client.GetAsync($"/api/products/search?term={app.RunTag}");

        // AP1005 in the original: ProductSearch returns a query over a context it has already
        // disposed, so enumerating it while writing the response throws ObjectDisposedException and
        // the request fails with 500. That, and only that, is accepted on the original.
        if (!app.Strict && response.StatusCode == HttpStatusCode.InternalServerError
            && await app.WaitForLogAsync(log => log.Contains("ObjectDisposedException") && log.Contains("disposed context")))
        {
            output.WriteLine("Tolerated on the original sample: /api/products/search failed with ObjectDisposedException (AP1005).");
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/api/products/search answered {(int)response.StatusCode}. App output:\n{app.Log}");
        var found = await response.Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal(
            app.Products.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name),
            found!.Select(p => p.GetProperty("name").GetString()));
        Assert.All(found!, p => Assert.True(p.GetProperty("price").GetDecimal() > 0));
    }

    [Fact]
    public async Task Cart_IsKeptInTheSessionPerClient()
    {
        using var client = app.NewClient();
        var first = app.Products[0].Id;
        var second = app.Products[1].Id;

        using (var added = await client.PostAsync($"/api/cart/{first}", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using (var added = await client.PostAsync($"/api/cart/{first}?quantity=2", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using (var added = await client.PostAsync($"/api/cart/{second}", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var cart = await client.GetFromJsonAsync<Dictionary<int, int>>("/api/cart");
        Assert.Equal(new Dictionary<int, int> { [first] = 3, [second] = 1 }, cart);

        using var stranger = app.NewClient();
        Assert.Empty((await stranger.GetFromJsonAsync<Dictionary<int, int>>("/api/cart"))!);
    }

    [Fact]
    public async Task Tokens_AreSignedAndCarryTheUser()
    {
        using var response = await Client.PostAsync("/tokens?userName=ann", content: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.Content.ReadAsStringAsync();
        var parts = token.Split('.');
        Assert.Equal(2, parts.Length);
        var payload = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[0]));
        Assert.StartsWith("ann|", payload);
        Assert.Equal(32, Convert.FromBase64String(parts[1]).Length);

        using var again = await Client.PostAsync("/tokens?userName=bob", content: null);
        Assert.NotEqual(token, await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Audit_RecordsEveryApiRequest()
    {
        var before = await Client.GetFromJsonAsync<int>("/api/audit/count");
        using (var response = await Client.GetAsync("/api/products"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var after = await Client.GetFromJsonAsync<int>("/api/audit/count");
        Assert.True(before >= 1, "the audit count request itself is audited");
        Assert.Equal(before + 2, after);
    }

    private sealed record OrderDto(int Id, int ProductId, int Quantity, DateTime CreatedAt, bool Archived);
}
