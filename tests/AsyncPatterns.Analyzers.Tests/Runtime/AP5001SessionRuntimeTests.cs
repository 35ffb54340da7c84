using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

/// <summary>
/// AP5001 in a real app: ASP.NET Core's session over a distributed cache in PostgreSQL, served by
/// Kestrel on loopback. The handler AP5001 reports makes the session load itself with the cache's
/// synchronous <c>Get</c>; the handler its fix produces loads it with <c>GetAsync</c> and makes no
/// synchronous store call at all, and the session still round-trips between requests.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AP5001SessionRuntimeTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Requests = 3;

    [PostgresFact]
    public async Task FixedHandler_LoadsSessionWithoutSynchronousStoreCalls()
    {
        await using var store = await PostgresDistributedCache.CreateAsync(await server.CreateDatabaseAsync("ap5001"));
        var cache = new CountingDistributedCache(store);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDistributedCache>(cache);
        builder.Services.AddSession();

        await using var app = builder.Build();
        app.UseSession();

        // The shape AP5001 reports (AP5001SessionAccessedBeforeLoadTests.Diagnostic_MinimalApiHandler_ReadsAndWritesBeforeLoad).
        app.MapGet("/before", async (HttpContext ctx) =>
        {
            var n = ctx.Session.GetInt32("n") ?? 0;
            ctx.Session.SetInt32("n", n + 1);
            await Task.Yield();
            return n;
        });

        // Exactly what the AP5001 fix turns it into (the same test's fixed code).
        app.MapGet("/after", async (HttpContext ctx) =>
        {
            await ctx.Session.LoadAsync(ctx.RequestAborted);
            var n = ctx.Session.GetInt32("n") ?? 0;
            ctx.Session.SetInt32("n", n + 1);
            await Task.Yield();
            return n;
        });

        await app.StartAsync();
        try
        {
            var address = app.Urls.First();

            var beforeCounts = await CallAsync(address, "/before");
            var syncBefore = cache.SyncCalls;
            var syncGetsBefore = cache.SyncGets;

            var asyncGetsAtStart = cache.AsyncGets;
            var afterCounts = await CallAsync(address, "/after");
            var syncAfter = cache.SyncCalls - syncBefore;
            var syncGetsAfter = cache.SyncGets - syncGetsBefore;
            var asyncGetsAfter = cache.AsyncGets - asyncGetsAtStart;

            // The counter increments from request to request only if the session went to
            // PostgreSQL and came back.
            var expected = Enumerable.Range(0, Requests).ToArray();
            var roundTrip = beforeCounts.SequenceEqual(expected) && afterCounts.SequenceEqual(expected) && await store.CountAsync() >= 2;

            var line = $"[runtime] AP5001 sync store calls before fix: {syncBefore}, after fix: {syncAfter}, session round trip ok: {roundTrip}";
            TestReport.Write(output, line);
            output.WriteLine($"sync Get calls before fix: {syncGetsBefore}, after fix: {syncGetsAfter}; async Get calls after fix: {asyncGetsAfter}; " +
                             $"counters before: [{string.Join(", ", beforeCounts)}], after: [{string.Join(", ", afterCounts)}]");

            Assert.True(syncGetsBefore >= Requests, $"every request of the reported handler loads the session synchronously ({syncGetsBefore} sync Get calls)");
            Assert.Equal(0, syncGetsAfter);
            Assert.Equal(0, syncAfter);
            Assert.True(asyncGetsAfter >= Requests, $"the fixed handler loads the session asynchronously ({asyncGetsAfter} async Get calls)");
            Assert.Equal(expected, beforeCounts);
            Assert.Equal(expected, afterCounts);
            Assert.True(roundTrip);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    // One client per handler, each with its own cookie jar: its own session.
    private static async Task<int[]> CallAsync(string address, string path)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        var values = new int[Requests];
        for (var i = 0; i < Requests; i++)
        {
            values[i] = int.Parse(await client.GetStringAsync(path), System.Globalization.CultureInfo.InvariantCulture);
        }

        return values;
    }
}
