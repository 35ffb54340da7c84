using System.Globalization;
using System.Text;

namespace AsyncPatterns.Analyzers.Benchmarks;

/// <summary>
/// Writes a deterministic EF Core + ASP.NET Core code base of <c>N</c> files (plus three fixed
/// ones: global usings, the DbContext, the composition root). Files come in blocks of ten:
/// two entities (with their configuration), a controller, a minimal-API endpoint class, a
/// service, a repository, a background service, a middleware with the block's registrations,
/// a query service and a second service. File <c>i</c> depends only on the seed and on
/// <c>i</c> (it references entities of its own or earlier blocks), so the first 250 files of the
/// 4000-file code base are the 250-file code base; only the DbContext and the composition root
/// grow with <c>N</c>. About 5% of the data-access methods carry one of the mistakes our rules
/// (and the peers') look for; the rest is the correct code those rules must stay silent on.
/// </summary>
internal sealed class CodeBaseGenerator
{
    private static readonly string[] Nouns =
    [
        "Product", "Order", "Customer", "Invoice", "Shipment", "Supplier", "Warehouse", "Payment",
        "Review", "Coupon", "Category", "Basket", "Refund", "Employee", "Ticket", "Subscription",
    ];

    private const double MistakeRate = 0.05;

    private readonly int _seed;

    public CodeBaseGenerator(int seed) => _seed = seed;

    public static int EntityCount(int files) => Enumerable.Range(0, files).Count(i => i % 10 is 0 or 9);

    public static string EntityName(int k) => Nouns[k % Nouns.Length] + (k / Nouns.Length).ToString(CultureInfo.InvariantCulture);

    public IReadOnlyList<(string Path, string Text)> Generate(int files)
    {
        var result = new List<(string, string)>(files + 3)
        {
            ("GlobalUsings.cs", GlobalUsings()),
            ("Data/AppDbContext.cs", DbContextFile(EntityCount(files))),
            ("Composition.cs", CompositionRoot(files)),
        };
        for (var i = 0; i < files; i++)
        {
            result.Add(File(i, files));
        }

        return result;
    }

    private (string Path, string Text) File(int i, int files)
    {
        var block = i / 10;
        // Not HashCode.Combine: its seed changes with every process, and the code base must not.
        var w = new Writer(new Random(unchecked((_seed * 1_000_003) + i) & int.MaxValue), block, i);
        switch (i % 10)
        {
            case 0: return ($"Domain/{EntityName(2 * block)}.cs", Entity(2 * block, w));
            case 9: return ($"Domain/{EntityName(2 * block + 1)}.cs", Entity(2 * block + 1, w));
            case 1: return ($"Controllers/Block{block}Controller.cs", Controller(w));
            case 2: return ($"Endpoints/Block{block}Endpoints.cs", Endpoints(w));
            case 3: return ($"Features/Block{block}/Block{block}Service.cs", Service(w, "Service"));
            case 4: return ($"Features/Block{block}/Block{block}Repository.cs", Repository(w));
            case 5: return ($"Workers/Block{block}Worker.cs", Worker(w));
            case 6: return ($"Infrastructure/Block{block}Middleware.cs", MiddlewareAndRegistrations(w, files));
            case 7: return ($"Features/Block{block}/Block{block}Queries.cs", Service(w, "Queries"));
            default: return ($"Features/Block{block}/Block{block}Pricing.cs", Service(w, "Pricing"));
        }
    }

    private static string GlobalUsings() => """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Text;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Mvc;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.EntityFrameworkCore;
        global using Microsoft.EntityFrameworkCore.Metadata.Builders;
        global using Microsoft.Extensions.Caching.Distributed;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        global using Shop.Data;
        global using Shop.Domain;

        """;

    private static string DbContextFile(int entities)
    {
        var sb = new StringBuilder();
        sb.AppendLine("namespace Shop.Data;").AppendLine();
        sb.AppendLine("public sealed class AppDbContext : DbContext");
        sb.AppendLine("{");
        sb.AppendLine("    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }").AppendLine();
        for (var k = 0; k < entities; k++)
        {
            sb.AppendLine($"    public DbSet<{EntityName(k)}> {EntityName(k)}s => Set<{EntityName(k)}>();");
        }

        sb.AppendLine();
        sb.AppendLine("    protected override void OnModelCreating(ModelBuilder modelBuilder)");
        sb.AppendLine("        => modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string CompositionRoot(int files)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using Shop.Endpoints;");
        sb.AppendLine("using Shop.Infrastructure;").AppendLine();
        sb.AppendLine("namespace Shop;").AppendLine();
        sb.AppendLine("public static class Composition");
        sb.AppendLine("{");
        sb.AppendLine("    public static IServiceCollection AddShop(this IServiceCollection services, string connectionString)");
        sb.AppendLine("    {");
        sb.AppendLine("        ArgumentNullException.ThrowIfNull(connectionString);");
        sb.AppendLine("        services.AddDbContext<AppDbContext>();");
        sb.AppendLine("        services.AddDbContextFactory<AppDbContext>(lifetime: ServiceLifetime.Scoped);");
        sb.AppendLine("        services.AddDistributedMemoryCache();");
        sb.AppendLine("        services.AddSession(o => { o.Cookie.HttpOnly = true; o.Cookie.SecurePolicy = CookieSecurePolicy.Always; o.IdleTimeout = TimeSpan.FromMinutes(20); });");
        for (var block = 0; 10 * block + 6 < files; block++)
        {
            sb.AppendLine($"        services.AddBlock{block}();");
        }

        sb.AppendLine("        return services;");
        sb.AppendLine("    }").AppendLine();
        sb.AppendLine("    public static WebApplication MapShop(this WebApplication app)");
        sb.AppendLine("    {");
        for (var block = 0; 10 * block + 2 < files; block++)
        {
            sb.AppendLine($"        app.MapBlock{block}();");
        }

        sb.AppendLine("        return app;");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Entity(int k, Writer w)
    {
        var name = EntityName(k);
        var related = EntityName(w.Rng.Next(k + 1));
        var child = EntityName(w.Rng.Next(k + 1));
        return $$"""
            namespace Shop.Domain;

            /// <summary>A {{name}} of the shop.</summary>
            public sealed class {{name}}
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public string? Description { get; set; }
                public decimal Price { get; set; }
                public DateTime CreatedAt { get; set; }
                public int? ParentId { get; set; }
                public int Version { get; set; }
                public bool IsArchived { get; set; }
                public {{related}}? Related { get; set; }
                public List<{{child}}> Items { get; } = new();

                public override string ToString() => $"{{name}} {Id}: {Name}";
            }

            internal sealed class {{name}}Configuration : IEntityTypeConfiguration<{{name}}>
            {
                public void Configure(EntityTypeBuilder<{{name}}> builder)
                {
                    builder.ToTable("{{name}}");
                    builder.HasKey(x => x.Id);
                    builder.Property(x => x.Name).HasMaxLength({{50 + w.Rng.Next(200)}}).IsRequired();
                    builder.Property(x => x.Price).HasPrecision(18, 2);
                    builder.Property(x => x.Version).IsConcurrencyToken();
                    builder.HasIndex(x => x.Name);
                }
            }

            """;
    }

    private static string Controller(Writer w)
    {
        var e = w.Entity();
        var cls = $"Block{w.Block}Controller";
        var sb = new StringBuilder();
        sb.AppendLine("namespace Shop.Controllers;").AppendLine();
        sb.AppendLine("[ApiController]");
        sb.AppendLine($"[Route(\"api/block{w.Block}\")]");
        sb.AppendLine($"public sealed class {cls} : ControllerBase");
        sb.AppendLine("{");
        sb.AppendLine("    private readonly AppDbContext _db;");
        sb.AppendLine($"    private readonly ILogger<{cls}> _logger;").AppendLine();
        sb.AppendLine($"    public {cls}(AppDbContext db, ILogger<{cls}> logger)");
        sb.AppendLine("    {");
        sb.AppendLine("        _db = db;");
        sb.AppendLine("        _logger = logger;");
        sb.AppendLine("    }").AppendLine();
        sb.Append($$"""
                [HttpGet("{id:int}")]
                public async Task<ActionResult<{{e}}>> Get(int id, CancellationToken cancellationToken)
                {
                    var entity = await _db.{{e}}s.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
                    if (entity is null)
                    {
                        return NotFound();
                    }

                    return entity;
                }

                [HttpGet]
                public async Task<IActionResult> List([FromQuery] int page = 0, [FromQuery] int size = 20)
                {
                    var items = await _db.{{e}}s.AsNoTracking()
                        .Where(x => !x.IsArchived)
                        .OrderBy(x => x.Name)
                        .Skip(page * size)
                        .Take(size)
                        .Select(x => new { x.Id, x.Name, x.Price })
                        .ToListAsync(HttpContext.RequestAborted);
                    return Ok(items);
                }

                [HttpPost]
                public async Task<IActionResult> Create({{e}} input, CancellationToken cancellationToken)
                {
                    _db.{{e}}s.Add(input);
                    await _db.SaveChangesAsync(cancellationToken);
                    _logger.LogInformation("Created {Id}", input.Id);
                    return CreatedAtAction(nameof(Get), new { id = input.Id }, input);
                }


            """);
        sb.Append(w.Rng.NextDouble() < MistakeRate ? $$"""
                [HttpGet("cart")]
                public async Task<IActionResult> Cart(CancellationToken cancellationToken)
                {
                    var cart = HttpContext.Session.GetString("cart");
                    await Task.Yield();
                    return Ok(cart);
                }

            """ : $$"""
                [HttpGet("cart")]
                public async Task<IActionResult> Cart(CancellationToken cancellationToken)
                {
                    await HttpContext.Session.LoadAsync(cancellationToken);
                    var cart = HttpContext.Session.GetString("cart");
                    return Ok(cart);
                }

            """);
        for (var m = 0; m < 3; m++)
        {
            sb.AppendLine();
            w.DataMethod(sb, "_db", hasFactory: false, hasCache: false, token: "cancellationToken", tokenParameter: true);
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Endpoints(Writer w)
    {
        var e = w.Entity();
        var e2 = w.Entity();
        var sb = new StringBuilder();
        sb.AppendLine("namespace Shop.Endpoints;").AppendLine();
        sb.AppendLine($"public static class Block{w.Block}Endpoints");
        sb.AppendLine("{");
        sb.Append($$"""
                public static IEndpointRouteBuilder MapBlock{{w.Block}}(this IEndpointRouteBuilder app)
                {
                    var group = app.MapGroup("/block{{w.Block}}");
                    group.MapGet("/{id:int}", async (int id, AppDbContext db, CancellationToken ct) =>
                        await db.{{e}}s.FindAsync(new object[] { id }, ct) is { } found ? Results.Ok(found) : Results.NotFound());
                    group.MapGet("/", async (AppDbContext db, CancellationToken ct) =>
                        Results.Ok(await db.{{e2}}s.AsNoTracking().OrderByDescending(x => x.CreatedAt).Take(50).ToListAsync(ct)));
                    group.MapDelete("/{id:int}", DeleteAsync);
                    group.MapPut("/{id:int}/price", RepriceAsync);
                    return app;
                }

                private static async Task<IResult> DeleteAsync(int id, AppDbContext db, CancellationToken ct)
                {
                    var deleted = await db.{{e}}s.Where(x => x.Id == id).ExecuteDeleteAsync(ct);
                    return deleted == 0 ? Results.NotFound() : Results.NoContent();
                }


            """);
        sb.Append(w.Rng.NextDouble() < MistakeRate * 2 ? $$"""
                private static async Task<IResult> RepriceAsync(int id, decimal price, AppDbContext db, CancellationToken ct)
                {
                    var entity = db.{{e2}}s.Find(id);
                    if (entity is null)
                    {
                        return Results.NotFound();
                    }

                    entity.Price = price;
                    await db.SaveChangesAsync(ct);
                    return Results.Ok(entity);
                }

            """ : $$"""
                private static async Task<IResult> RepriceAsync(int id, decimal price, AppDbContext db, CancellationToken ct)
                {
                    var entity = await db.{{e2}}s.FindAsync(new object[] { id }, ct);
                    if (entity is null)
                    {
                        return Results.NotFound();
                    }

                    entity.Price = price;
                    await db.SaveChangesAsync(ct);
                    return Results.Ok(entity);
                }

            """);
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Service(Writer w, string suffix)
    {
        var cls = $"Block{w.Block}{suffix}";
        var sb = new StringBuilder();
        sb.AppendLine($"namespace Shop.Features.Block{w.Block};").AppendLine();
        sb.AppendLine($"public sealed class {cls}");
        sb.AppendLine("{");
        sb.AppendLine("    private readonly AppDbContext _db;");
        sb.AppendLine("    private readonly IDbContextFactory<AppDbContext> _factory;");
        sb.AppendLine("    private readonly IDistributedCache _cache;");
        sb.AppendLine($"    private readonly ILogger<{cls}> _logger;").AppendLine();
        sb.AppendLine($"    public {cls}(AppDbContext db, IDbContextFactory<AppDbContext> factory, IDistributedCache cache, ILogger<{cls}> logger)");
        sb.AppendLine("    {");
        sb.AppendLine("        _db = db;");
        sb.AppendLine("        _factory = factory;");
        sb.AppendLine("        _cache = cache;");
        sb.AppendLine("        _logger = logger;");
        sb.AppendLine("    }");
        var methods = 5 + w.Rng.Next(4);
        for (var m = 0; m < methods; m++)
        {
            sb.AppendLine();
            if (w.Rng.Next(5) == 0)
            {
                w.PlainMethod(sb);
            }
            else
            {
                w.DataMethod(sb, "_db", hasFactory: true, hasCache: true, token: "ct", tokenParameter: true);
            }
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Repository(Writer w)
    {
        var e = w.Entity();
        var cls = $"Block{w.Block}Repository";
        var sb = new StringBuilder();
        sb.AppendLine($"namespace Shop.Features.Block{w.Block};").AppendLine();
        sb.AppendLine($"public interface I{cls}");
        sb.AppendLine("{");
        sb.AppendLine($"    Task<{e}?> FindAsync(int id, CancellationToken ct = default);");
        sb.AppendLine($"    Task<IReadOnlyList<{e}>> PageAsync(int page, int size, CancellationToken ct = default);");
        sb.AppendLine($"    Task AddAsync({e} entity, CancellationToken ct = default);");
        sb.AppendLine("}").AppendLine();
        sb.AppendLine($"public sealed class {cls} : I{cls}");
        sb.AppendLine("{");
        sb.AppendLine("    private readonly AppDbContext _db;").AppendLine();
        sb.AppendLine($"    public {cls}(AppDbContext db) => _db = db;").AppendLine();
        sb.Append($$"""
                public Task<{{e}}?> FindAsync(int id, CancellationToken ct = default)
                    => _db.{{e}}s.Include(x => x.Related).Include(x => x.Items).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);

                public async Task<IReadOnlyList<{{e}}>> PageAsync(int page, int size, CancellationToken ct = default)
                    => await _db.{{e}}s.AsNoTracking().OrderBy(x => x.Id).Skip(page * size).Take(size).ToListAsync(ct);

                public async Task AddAsync({{e}} entity, CancellationToken ct = default)
                {
                    await _db.{{e}}s.AddAsync(entity, ct);
                    await _db.SaveChangesAsync(ct);
                }

            """);
        for (var m = 0; m < 3; m++)
        {
            sb.AppendLine();
            w.DataMethod(sb, "_db", hasFactory: false, hasCache: false, token: "ct", tokenParameter: true);
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Worker(Writer w)
    {
        var e = w.Entity();
        var cls = $"Block{w.Block}Worker";
        var captures = w.Rng.NextDouble() < MistakeRate * 4;
        var sb = new StringBuilder();
        sb.AppendLine("namespace Shop.Workers;").AppendLine();
        sb.AppendLine($"public sealed class {cls} : BackgroundService");
        sb.AppendLine("{");
        sb.AppendLine("    private readonly IServiceScopeFactory _scopes;");
        sb.AppendLine($"    private readonly ILogger<{cls}> _logger;");
        if (captures)
        {
            sb.AppendLine("    private readonly AppDbContext _db;").AppendLine();
            sb.AppendLine($"    public {cls}(IServiceScopeFactory scopes, ILogger<{cls}> logger, AppDbContext db)");
            sb.AppendLine("    {");
            sb.AppendLine("        _scopes = scopes;");
            sb.AppendLine("        _logger = logger;");
            sb.AppendLine("        _db = db;");
            sb.AppendLine("    }");
        }
        else
        {
            sb.AppendLine();
            sb.AppendLine($"    public {cls}(IServiceScopeFactory scopes, ILogger<{cls}> logger)");
            sb.AppendLine("    {");
            sb.AppendLine("        _scopes = scopes;");
            sb.AppendLine("        _logger = logger;");
            sb.AppendLine("    }");
        }

        sb.Append($$"""

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5));
                    while (await timer.WaitForNextTickAsync(stoppingToken))
                    {
                        try
                        {
                            await RunOnceAsync(stoppingToken);
                        }
                        catch (DbUpdateConcurrencyException ex)
                        {
                            _logger.LogWarning(ex, "Concurrent update in {Worker}", nameof({{cls}}));
                        }
                    }
                }

                private async Task RunOnceAsync(CancellationToken ct)
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    var cutoff = DateTime.UtcNow.AddDays(-30);
                    var stale = await db.{{e}}s.Where(x => x.CreatedAt < cutoff && !x.IsArchived).Take(100).ToListAsync(ct);
                    foreach (var item in stale)
                    {
                        item.IsArchived = true;
                    }

                    await db.SaveChangesAsync(ct);
                    _logger.LogInformation("Archived {Count} items", stale.Count);
                }

            """);
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string MiddlewareAndRegistrations(Writer w, int files)
    {
        var e = w.Entity();
        var cls = $"Block{w.Block}Middleware";
        var singletonContext = w.Rng.NextDouble() < MistakeRate;
        var sb = new StringBuilder();
        sb.AppendLine("namespace Shop.Infrastructure;").AppendLine();
        sb.Append($$"""
            public sealed class {{cls}}
            {
                private readonly RequestDelegate _next;

                public {{cls}}(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context, AppDbContext db)
                {
                    if (context.Request.Path.StartsWithSegments("/block{{w.Block}}/audit"))
                    {
                        var count = await db.{{e}}s.CountAsync(context.RequestAborted);
                        context.Response.Headers["X-Count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    await _next(context);
                }
            }

            public static class Block{{w.Block}}Registrations
            {
                public static IServiceCollection AddBlock{{w.Block}}(this IServiceCollection services)
                {

            """);
        var b = w.Block;
        if (10 * b + 3 < files)
        {
            sb.AppendLine($"        services.AddScoped<Shop.Features.Block{b}.Block{b}Service>();");
        }

        if (10 * b + 4 < files)
        {
            sb.AppendLine($"        services.AddScoped<Shop.Features.Block{b}.IBlock{b}Repository, Shop.Features.Block{b}.Block{b}Repository>();");
        }

        if (10 * b + 5 < files)
        {
            sb.AppendLine($"        services.AddHostedService<Shop.Workers.Block{b}Worker>();");
        }

        if (10 * b + 7 < files)
        {
            sb.AppendLine($"        services.AddScoped<Shop.Features.Block{b}.Block{b}Queries>();");
        }

        if (10 * b + 8 < files)
        {
            sb.AppendLine(singletonContext
                ? $"        services.AddSingleton<Shop.Features.Block{b}.Block{b}Pricing>();"
                : $"        services.AddScoped<Shop.Features.Block{b}.Block{b}Pricing>();");
        }

        sb.AppendLine("        return services;");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Per-file state: the random stream, the block, a method counter.</summary>
    private sealed class Writer(Random rng, int block, int file)
    {
        private int _method;

        public Random Rng { get; } = rng;

        public int Block { get; } = block;

        /// <summary>An entity of this block or an earlier one (so it exists whatever N is).</summary>
        public string Entity() => EntityName(Rng.Next(2 * Block + 1));

        private string Next(string stem) => $"{stem}{file}_{_method++}";

        public void PlainMethod(StringBuilder sb)
        {
            var name = Next("Format");
            sb.Append(Rng.Next(2) == 0 ? $$"""
                    public static string {{name}}(string value)
                    {
                        var builder = new StringBuilder(value.Length);
                        foreach (var c in value)
                        {
                            builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
                        }

                        return builder.ToString().Trim('-');
                    }

                """ : $$"""
                    public static decimal {{name}}(IReadOnlyList<decimal> prices, decimal discount)
                    {
                        if (prices.Count == 0)
                        {
                            return 0m;
                        }

                        var total = prices.Where(p => p > 0).Sum();
                        return Math.Round(total * (1 - discount), 2, MidpointRounding.ToEven);
                    }

                """);
        }

        /// <summary>One data-access method: a correct shape, or (at <see cref="MistakeRate"/>) a mistake.</summary>
        public void DataMethod(StringBuilder sb, string db, bool hasFactory, bool hasCache, string token, bool tokenParameter)
        {
            var e = Entity();
            var set = $"{db}.{e}s";
            var tp = tokenParameter ? $"CancellationToken {token} = default" : "";
            string Ps(string ps) => ps.Length == 0 ? tp : tp.Length == 0 ? ps : ps + ", " + tp;

            if (Rng.NextDouble() < MistakeRate)
            {
                var mistake = Rng.Next(hasCache ? 8 : 7);
                switch (mistake)
                {
                    case 0: // AP3002: synchronous EF I/O in async code.
                        sb.Append($$"""
                                public async Task<int> {{Next("Touch")}}Async(decimal minPrice{{(tp.Length > 0 ? ", " + tp : "")}})
                                {
                                    var items = {{set}}.Where(x => x.Price >= minPrice).ToList();
                                    foreach (var item in items)
                                    {
                                        item.Version++;
                                    }

                                    return await {{db}}.SaveChangesAsync({{token}});
                                }

                            """);
                        return;
                    case 1: // AP3004: token in scope, not forwarded.
                        sb.Append($$"""
                                public async Task<List<{{e}}>> {{Next("Recent")}}Async({{Ps("int days")}})
                                {
                                    var since = DateTime.UtcNow.AddDays(-days);
                                    return await {{set}}.Where(x => x.CreatedAt >= since).ToListAsync();
                                }

                            """);
                        return;
                    case 2: // AP3003: blocking on an async data-access call.
                        sb.Append($$"""
                                public int {{Next("Count")}}()
                                    => {{set}}.CountAsync().Result;

                            """);
                        return;
                    case 3: // AP3001: a dropped SaveChangesAsync task.
                        sb.Append($$"""
                                public void {{Next("Bump")}}({{e}} entity)
                                {
                                    entity.Version++;
                                    {{db}}.SaveChangesAsync();
                                }

                            """);
                        return;
                    case 4: // AP1003: a context created and never disposed.
                        sb.Append($$"""
                                public async Task<int> {{Next("Adhoc")}}Async(DbContextOptions<AppDbContext> options, {{(tp.Length > 0 ? tp : "CancellationToken ct = default")}})
                                {
                                    var context = new AppDbContext(options);
                                    return await context.{{e}}s.CountAsync({{(tp.Length > 0 ? token : "ct")}});
                                }

                            """);
                        return;
                    case 5: // AP2001: concurrent operations on one context.
                        sb.Append($$"""
                                public async Task<(int, bool)> {{Next("Summary")}}Async({{Ps("")}})
                                {
                                    var count = {{set}}.CountAsync({{token}});
                                    var any = {{set}}.AnyAsync(x => x.IsArchived, {{token}});
                                    await Task.WhenAll(count, any);
                                    return (count.Result, any.Result);
                                }

                            """);
                        return;
                    case 6: // AP1005: the context escapes into background work.
                        sb.Append($$"""
                                public void {{Next("Schedule")}}(int id)
                                {
                                    _ = Task.Run(async () =>
                                    {
                                        var entity = await {{set}}.FindAsync(id);
                                        if (entity is not null)
                                        {
                                            entity.Version++;
                                            await {{db}}.SaveChangesAsync();
                                        }
                                    });
                                }

                            """);
                        return;
                    default: // AP5004: synchronous IDistributedCache call in async code.
                        sb.Append($$"""
                                public async Task<string?> {{Next("Lookup")}}Async(int id, {{tp}})
                                {
                                    var cached = _cache.GetString("k:" + id);
                                    if (cached is not null)
                                    {
                                        return cached;
                                    }

                                    var entity = await {{set}}.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, {{token}});
                                    return entity?.Name;
                                }

                            """);
                        return;
                }
            }

            var shape = Rng.Next(hasFactory ? 14 : 11);
            switch (shape)
            {
                case 0:
                    sb.Append($$"""
                            public async Task<List<{{e}}>> {{Next("List")}}Async({{Ps("decimal minPrice")}})
                                => await {{set}}.AsNoTracking().Where(x => x.Price >= minPrice && !x.IsArchived).OrderBy(x => x.Name).Take(50).ToListAsync({{token}});

                        """);
                    return;
                case 1:
                    sb.Append($$"""
                            public async Task<{{e}}?> {{Next("Get")}}Async({{Ps("int id")}})
                                => await {{set}}.Include(x => x.Items).FirstOrDefaultAsync(x => x.Id == id, {{token}});

                        """);
                    return;
                case 2:
                    sb.Append($$"""
                            public async Task<int> {{Next("Create")}}Async({{Ps("string name, decimal price")}})
                            {
                                var entity = new {{e}} { Name = name, Price = price, CreatedAt = DateTime.UtcNow };
                                {{set}}.Add(entity);
                                await {{db}}.SaveChangesAsync({{token}});
                                return entity.Id;
                            }

                        """);
                    return;
                case 3:
                    sb.Append($$"""
                            public async Task<bool> {{Next("Rename")}}Async({{Ps("int id, string name")}})
                            {
                                var entity = await {{set}}.FindAsync(new object[] { id }, {{token}});
                                if (entity is null)
                                {
                                    return false;
                                }

                                entity.Name = name;
                                entity.Version++;
                                await {{db}}.SaveChangesAsync({{token}});
                                return true;
                            }

                        """);
                    return;
                case 4:
                    sb.Append($$"""
                            public Task<int> {{Next("Archive")}}Async({{Ps("DateTime before")}})
                                => {{set}}.Where(x => x.CreatedAt < before).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsArchived, true), {{token}});

                        """);
                    return;
                case 5:
                    sb.Append($$"""
                            public async Task {{Next("Transfer")}}Async({{Ps("int fromId, int toId, decimal amount")}})
                            {
                                await using var transaction = await {{db}}.Database.BeginTransactionAsync({{token}});
                                var low = Math.Min(fromId, toId);
                                var high = Math.Max(fromId, toId);
                                var rows = await {{set}}.FromSqlInterpolated($"SELECT * FROM {{e}} WHERE Id IN ({low}, {high}) ORDER BY Id FOR UPDATE").ToListAsync({{token}});
                                foreach (var row in rows)
                                {
                                    row.Price += row.Id == toId ? amount : -amount;
                                }

                                await {{db}}.SaveChangesAsync({{token}});
                                await transaction.CommitAsync({{token}});
                            }

                        """);
                    return;
                case 6:
                    sb.Append($$"""
                            public async Task<Dictionary<int, int>> {{Next("Stats")}}Async({{Ps("")}})
                                => await {{set}}.GroupBy(x => x.ParentId ?? 0).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, {{token}});

                        """);
                    return;
                case 7:
                    sb.Append($$"""
                            public async Task<decimal> {{Next("Average")}}Async({{Ps("")}})
                            {
                                if (!await {{set}}.AnyAsync({{token}}))
                                {
                                    return 0m;
                                }

                                var count = await {{set}}.CountAsync(x => x.Price > 0, {{token}});
                                var sum = await {{set}}.SumAsync(x => x.Price, {{token}});
                                return count == 0 ? 0m : sum / count;
                            }

                        """);
                    return;
                case 8:
                    sb.Append($$"""
                            public async Task<int> {{Next("Measure")}}Async({{Ps("")}})
                            {
                                var total = 0;
                                await foreach (var item in {{set}}.AsNoTracking().AsAsyncEnumerable().WithCancellation({{token}}))
                                {
                                    total += item.Name.Length;
                                }

                                return total;
                            }

                        """);
                    return;
                case 9:
                    sb.Append($$"""
                            public async Task<string[]> {{Next("Names")}}Async({{Ps("")}})
                            {
                                var names = await {{set}}.Select(x => x.Name).ToListAsync({{token}});
                                return names.Where(n => n.Length > 3).OrderBy(n => n).Distinct().ToArray();
                            }

                        """);
                    return;
                case 10:
                    sb.Append($$"""
                            public async Task<int> {{Next("Purge")}}Async({{Ps("int parentId")}})
                            {
                                await using var transaction = await {{db}}.Database.BeginTransactionAsync({{token}});
                                var removed = await {{set}}.Where(x => x.ParentId == parentId).ExecuteDeleteAsync({{token}});
                                var touched = await {{set}}.Where(x => x.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1), {{token}});
                                await transaction.CommitAsync({{token}});
                                return removed + touched;
                            }

                        """);
                    return;
                case 11:
                    var e2 = Entity();
                    sb.Append($$"""
                            public async Task<(int, int)> {{Next("Counts")}}Async({{Ps("")}})
                            {
                                await using var first = await _factory.CreateDbContextAsync({{token}});
                                await using var second = await _factory.CreateDbContextAsync({{token}});
                                var a = first.{{e}}s.CountAsync({{token}});
                                var b = second.{{e2}}s.CountAsync({{token}});
                                await Task.WhenAll(a, b);
                                return (a.Result, b.Result);
                            }

                        """);
                    return;
                case 12:
                    sb.Append($$"""
                            public async Task<string?> {{Next("Cached")}}Async({{Ps("int id")}})
                            {
                                var key = "{{e}}:" + id;
                                var hit = await _cache.GetStringAsync(key, {{token}});
                                if (hit is not null)
                                {
                                    return hit;
                                }

                                var entity = await {{set}}.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, {{token}});
                                if (entity is null)
                                {
                                    return null;
                                }

                                await _cache.SetStringAsync(key, entity.Name, {{token}});
                                _logger.LogDebug("Cached {Key}", key);
                                return entity.Name;
                            }

                        """);
                    return;
                default:
                    sb.Append($$"""
                            public async Task<int> {{Next("Import")}}Async({{Ps("IReadOnlyList<string> names")}})
                            {
                                await using var context = await _factory.CreateDbContextAsync({{token}});
                                foreach (var name in names)
                                {
                                    context.{{e}}s.Add(new {{e}} { Name = name, CreatedAt = DateTime.UtcNow });
                                }

                                return await context.SaveChangesAsync({{token}});
                            }

                        """);
                    return;
            }
        }
    }
}
