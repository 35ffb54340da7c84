using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace ShopApp.Tests;

/// <summary>The real ShopApp, started once for the test class: <c>dotnet ShopApp.dll --urls
/// http://127.0.0.1:&lt;free port&gt;</c> with its databases in a temporary folder, in the Production
/// environment (as deployed: no scope validation, no developer exception page). Seeds the products
/// every test uses before any test runs, so that no test depends on another's order.</summary>
public sealed class ShopAppServer : IAsyncLifetime
{
    /// <summary>Set by the end-to-end test when the app under test is the copy fixed by
    /// <c>dotnet format</c>: no runtime failure caused by a known mistake is tolerated then.</summary>
    public const string StrictVariable = "SHOPAPP_TESTS_STRICT";

    private readonly StringBuilder _log = new();
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "shopapp-tests-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public bool Strict { get; } = Environment.GetEnvironmentVariable(StrictVariable) is "1" or "true";

    /// <summary>Products created through the API before the tests run, in this order.</summary>
    public IReadOnlyList<SeededProduct> Products { get; private set; } = [];

    /// <summary>A tag unique to this run, in every seeded product's name.</summary>
    public string RunTag { get; } = "run" + Guid.NewGuid().ToString("N")[..8];

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Whether the app's output shows <paramref name="predicate"/> within a few seconds (the
    /// console logger writes on its own thread, after the response may have left).</summary>
    public async Task<bool> WaitForLogAsync(Func<string, bool> predicate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!predicate(Log))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    public async Task InitializeAsync()
    {
        var dll = FindShopAppDll();
        Directory.CreateDirectory(_dataDirectory);
        var port = FreeLoopbackPort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["SHOPAPP_PROVIDER"] = Environment.GetEnvironmentVariable("SHOPAPP_TESTS_PROVIDER") ?? "sqlite";
        start.Environment["SHOPAPP_DB"] = Environment.GetEnvironmentVariable("SHOPAPP_TESTS_DB")
            ?? $"Data Source={Path.Combine(_dataDirectory, "shop.db")}";
        start.Environment["SHOPAPP_AUDIT_DB"] = $"Data Source={Path.Combine(_dataDirectory, "audit.db")}";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // TokenService reads its signing key from configuration once AP5003's fix has run.
        start.Environment["Signing__Key"] = "shopapp-tests-signing-key-0123456789";

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        await WaitUntilServingAsync();
        await SeedAsync();
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A database file still held open: the temp folder is cleaned by the OS.
        }

        return Task.CompletedTask;
    }

    /// <summary>A client with a cookie jar of its own: a second browser.</summary>
    public HttpClient NewClient() =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"ShopApp exited with code {_process.ExitCode} before serving requests. Its output:\n{Log}");
            }

            try
            {
                using var response = await Client.GetAsync("/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ShopApp did not answer on {BaseAddress} within 60 s. Its output:\n{Log}");
            }

            await Task.Delay(200);
        }
    }

    private async Task SeedAsync()
    {
        var seeded = new List<SeededProduct>();
        foreach (var (name, price) in new[] { ("Kettle", 24.90m), ("Teapot", 31.50m), ("Mug", 7.25m), ("Tea towel", 4.00m), ("Infuser", 9.99m) })
        {
            var fullName = $"{name} {RunTag}";
            using var response = await Client.PostAsJsonAsync("/api/products", new { name = fullName, price, stock = 100 });
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Seeding '{fullName}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\nApp output:\n{Log}");
            }

            var product = await response.Content.ReadFromJsonAsync<SeededProduct>()
                ?? throw new InvalidOperationException("Seeding returned no product.");
            seeded.Add(product);
        }

        Products = seeded;
    }

    private static string FindShopAppDll()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("SHOPAPP_DLL"),
            typeof(ShopAppServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ShopAppDll")?.Value,
        };
        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"ShopApp.dll not found (looked at: {string.Join(", ", candidates.Where(c => c is not null))}); build samples/ShopApp first or set SHOPAPP_DLL.");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

public sealed record SeededProduct(int Id, string Name, decimal Price, int Stock);
