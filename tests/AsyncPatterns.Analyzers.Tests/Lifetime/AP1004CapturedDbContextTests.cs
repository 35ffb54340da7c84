using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Lifetime;
using Verify = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1004CapturedDbContextAnalyzer,
    AsyncPatterns.CodeFixes.Lifetime.AP1004CapturedDbContextCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Lifetime;

public class AP1004CapturedDbContextTests
{
    private const string Usings = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;
        using Microsoft.Extensions.Hosting;

        """;

    private const string Model = """

        public class Order
        {
            public int Id { get; set; }
            public bool Shipped { get; set; }
            public decimal Total { get; set; }
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
        }
        """;

    private const string PriceCache = """

        public class PriceCache
        {
            private readonly ShopContext _db;
            public PriceCache(ShopContext {|#1:db|}) { _db = db; }
            public decimal Total() => _db.Orders.Sum(o => o.Total);
        }
        """;

    /// <summary>At a registration: <paramref name="location"/> is the method name, <paramref name="parameterLocation"/>
    /// the constructor parameter in source (the additional location the fix edits).</summary>
    private static DiagnosticResult Singleton(int location, string parameter, string owner, string context = "ShopContext", int? parameterLocation = null)
        => WithParameter(Verify.Diagnostic().WithLocation(location), parameterLocation).WithArguments(parameter, "singleton", owner, $"take IDbContextFactory<{context}> instead");

    private static DiagnosticResult Hosted(int location, string parameter, string owner, string context = "ShopContext", int? parameterLocation = null)
        => WithParameter(Verify.Diagnostic().WithLocation(location), parameterLocation).WithArguments(parameter, "hosted service", owner, $"take IDbContextFactory<{context}> instead");

    private static DiagnosticResult WithParameter(DiagnosticResult result, int? parameterLocation)
        => parameterLocation is { } key ? result.WithLocation(key) : result;

    private static DiagnosticResult Middleware(int location, string parameter, string owner, string method = "InvokeAsync")
        => Verify.Diagnostic().WithLocation(location).WithArguments(parameter, "middleware", owner, $"take it as a parameter of {method} instead");

    private static string Registration(string statement, bool markParameter = false) => Usings + $$"""
        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                {{statement}}
            }
        }

        public interface IPriceCache { }
        """ + PriceCache.Replace("public class PriceCache", "public class PriceCache : IPriceCache").Replace("{|#1:db|}", markParameter ? "{|#1:db|}" : "db") + Model;

    // ---- Registrations ------------------------------------------------------------------

    [Theory]
    [InlineData("services.{|#0:AddSingleton|}<PriceCache>();")]
    [InlineData("services.{|#0:AddSingleton|}<IPriceCache, PriceCache>();")]
    [InlineData("services.{|#0:AddSingleton|}(typeof(IPriceCache), typeof(PriceCache));")]
    [InlineData("services.{|#0:AddSingleton|}(typeof(PriceCache));")]
    [InlineData("services.{|#0:TryAddSingleton|}<IPriceCache, PriceCache>();")]
    [InlineData("services.{|#0:TryAddSingleton|}<PriceCache>();")]
    [InlineData("services.{|#0:AddKeyedSingleton|}<IPriceCache, PriceCache>(\"prices\");")]
    [InlineData("services.Add(new {|#0:ServiceDescriptor|}(typeof(IPriceCache), typeof(PriceCache), ServiceLifetime.Singleton));")]
    public async Task Diagnostic_SingletonRegistration(string statement)
    {
        await Verify.VerifyAnalyzerAsync(Registration(statement, markParameter: true), Singleton(0, "db", "PriceCache", parameterLocation: 1));
    }

    [Theory]
    [InlineData("services.AddScoped<PriceCache>();")]
    [InlineData("services.AddTransient<IPriceCache, PriceCache>();")]
    [InlineData("services.TryAddScoped<IPriceCache, PriceCache>();")]
    [InlineData("services.AddKeyedScoped<IPriceCache, PriceCache>(\"prices\");")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(IPriceCache), typeof(PriceCache), ServiceLifetime.Scoped));")]
    public async Task NoDiagnostic_ScopedOrTransientRegistration(string statement)
    {
        await Verify.VerifyAnalyzerAsync(Registration(statement));
    }

    [Fact]
    public async Task Diagnostic_SingletonFactoryResolvingTheContextFromTheRootProvider()
    {
        await Verify.VerifyAnalyzerAsync(
            Registration("services.{|#0:AddSingleton|}<IPriceCache>(sp => new PriceCache(sp.GetRequiredService<ShopContext>()));"),
            Singleton(0, "db", "PriceCache"));
    }

    [Fact]
    public async Task NoDiagnostic_SingletonFactoryThatDoesNotResolveTheContextFromTheProvider()
    {
        var source = Registration("""
            services.AddSingleton<IPriceCache>(sp =>
                    {
                        var scope = sp.CreateScope();
                        return new PriceCache(scope.ServiceProvider.GetRequiredService<ShopContext>());
                    });
                    services.AddSingleton(sp => new Clock());
            """) + """

            public class Clock { }
            """;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NoDiagnostic_SingletonInstanceRegistration()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services, ShopContext db)
                {
                    services.AddSingleton(new Holder());
                }
            }

            public class Holder
            {
                public Holder() { }
                public Holder(ShopContext db) { }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("IDbContextFactory<ShopContext> dbFactory")]
    [InlineData("IServiceScopeFactory scopes")]
    [InlineData("IServiceProvider services")]
    public async Task NoDiagnostic_SingletonTakingAFactoryOrAScopeFactory(string parameter)
    {
        var source = Usings + $$"""
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<PriceCache>();
                }
            }

            public class PriceCache
            {
                public PriceCache({{parameter}}) { }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NoDiagnostic_ClassNotRegisteredAnywhere()
    {
        await Verify.VerifyAnalyzerAsync(Usings + PriceCache.Replace("{|#1:db|}", "db") + Model);
    }

    [Fact]
    public async Task Diagnostic_GenericContextAndSubclass()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddSingleton|}<Repository<ShopContext>>();
                    services.{|#1:AddSingleton|}<ReportCache>();
                }
            }

            public class Repository<TContext> where TContext : DbContext
            {
                public Repository(TContext {|#2:context|}) { }
            }

            public class ReportingContext : ShopContext
            {
                public ReportingContext(DbContextOptions<ShopContext> options) : base(options) { }
            }

            public class ReportCache
            {
                public ReportCache(ReportingContext {|#3:reports|}) { }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(
            source,
            Singleton(0, "context", "Repository", parameterLocation: 2),
            Singleton(1, "reports", "ReportCache", "ReportingContext", parameterLocation: 3));
    }

    [Fact]
    public async Task NoDiagnostic_HostedServiceWithoutAContext()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddHostedService<ConsoleLifetimeLike>();
                }
            }

            public class ConsoleLifetimeLike : IHostedService
            {
                public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    // ---- Hosted services ----------------------------------------------------------------

    [Fact]
    public async Task NoDiagnostic_ConstructorInTheGeneratedPartOfAPartialHostedService()
    {
        // The driver skips generated files, not a symbol with one part in user code; the rule
        // does not report in the part a generator owns.
        var generated = "// <auto-generated/>\n" + Usings + """
            public partial class OrderShipper
            {
                private readonly ShopContext _db;
                public OrderShipper(ShopContext db) { _db = db; }
            }
            """;
        var user = Usings + """
            public partial class OrderShipper : BackgroundService
            {
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """ + Model;
        var test = new CSharpAnalyzerTest<AP1004CapturedDbContextAnalyzer>
        {
            TestState = { Sources = { user, ("/0/OrderShipper.g.cs", generated) } },
        };
        await test.RunAsync();
    }


    private const string Worker = """
        public class OrderShipper : BackgroundService
        {
            private readonly ShopContext _db;

            public OrderShipper(ShopContext {|#0:db|})
            {
                _db = db;
            }

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var pending = await _db.Orders.Where(o => !o.Shipped).ToListAsync(stoppingToken);
                    foreach (var order in pending)
                    {
                        order.Shipped = true;
                    }

                    await _db.SaveChangesAsync(stoppingToken);
                    await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                }
            }
        }
        """;

    private const string WorkerFixed = """
        public class OrderShipper : BackgroundService
        {
            private readonly IDbContextFactory<ShopContext> _dbFactory;

            public OrderShipper(IDbContextFactory<ShopContext> dbFactory)
            {
                _dbFactory = dbFactory;
            }

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await using var db = await _dbFactory.CreateDbContextAsync(stoppingToken);
                    var pending = await db.Orders.Where(o => !o.Shipped).ToListAsync(stoppingToken);
                    foreach (var order in pending)
                    {
                        order.Shipped = true;
                    }

                    await db.SaveChangesAsync(stoppingToken);
                    await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                }
            }
        }
        """;

    [Fact]
    public async Task Diagnostic_BackgroundServiceWithField()
    {
        await Verify.VerifyAnalyzerAsync(Usings + Worker + Model, Hosted(0, "db", "OrderShipper"));
    }

    [Fact]
    public async Task Fix_BackgroundServiceTakesAFactoryAndCreatesAContextPerIteration()
    {
        await Verify.VerifyCodeFixAsync(Usings + Worker + Model, Hosted(0, "db", "OrderShipper"), Usings + WorkerFixed + Model);
    }

    [Fact]
    public async Task Diagnostic_HostedServiceRegistrationAndConstructor()
    {
        var registration = """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddHostedService|}<OrderShipper>();
                }
            }

            """;
        var test = new CSharpCodeFixTest<AP1004CapturedDbContextAnalyzer, AP1004CapturedDbContextCodeFix>
        {
            TestCode = Usings + registration + Worker + Model,
            FixedCode = Usings + registration.Replace("{|#1:AddHostedService|}", "AddHostedService") + WorkerFixed + Model,
            ExpectedDiagnostics = { Hosted(0, "db", "OrderShipper"), Hosted(1, "db", "OrderShipper", parameterLocation: 0) },
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_IHostedServiceImplementation()
    {
        var source = Usings + """
            public class Warmup : IHostedService
            {
                private readonly ShopContext _db;
                public Warmup(ShopContext {|#0:db|}) => _db = db;
                public async Task StartAsync(CancellationToken cancellationToken) => await _db.Orders.CountAsync(cancellationToken);
                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """ + Model;
        var fixedSource = Usings + """
            public class Warmup : IHostedService
            {
                private readonly IDbContextFactory<ShopContext> _dbFactory;
                public Warmup(IDbContextFactory<ShopContext> dbFactory) => _dbFactory = dbFactory;
                public async Task StartAsync(CancellationToken cancellationToken)
                {
                    await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
                    await db.Orders.CountAsync(cancellationToken);
                }
                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "db", "Warmup"), fixedSource);
    }

    [Fact]
    public async Task Fix_PrimaryConstructorBackgroundService()
    {
        var source = Usings + """
            public class Cleaner(ShopContext {|#0:db|}) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await db.Orders.Where(o => o.Shipped).ExecuteDeleteAsync(stoppingToken);
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class Cleaner(IDbContextFactory<ShopContext> dbFactory) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                    await db.Orders.Where(o => o.Shipped).ExecuteDeleteAsync(stoppingToken);
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "db", "Cleaner"), fixedSource);
    }

    [Fact]
    public async Task Fix_GenericContextInAHostedService()
    {
        var source = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public class Migrator<TContext> : BackgroundService where TContext : Microsoft.EntityFrameworkCore.DbContext
            {
                private readonly TContext _context;
                public Migrator(TContext {|#0:context|}) { _context = context; }

                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

                public void Report()
                {
                    System.Console.WriteLine(_context.ChangeTracker.Entries().Count());
                }
            }
            """;
        var fixedSource = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.Hosting;

            public class Migrator<TContext> : BackgroundService where TContext : Microsoft.EntityFrameworkCore.DbContext
            {
                private readonly IDbContextFactory<TContext> _contextFactory;
                public Migrator(IDbContextFactory<TContext> contextFactory) { _contextFactory = contextFactory; }

                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

                public void Report()
                {
                    using var context = _contextFactory.CreateDbContext();
                    System.Console.WriteLine(context.ChangeTracker.Entries().Count());
                }
            }
            """;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "context", "Migrator", "TContext"), fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ContextSubclassInAHostedService()
    {
        var source = Usings + """
            public class ReportingContext : ShopContext
            {
                public ReportingContext(DbContextOptions<ShopContext> options) : base(options) { }
            }

            public class Reporter : BackgroundService
            {
                public Reporter(ReportingContext {|#0:reports|}) { }
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source, Hosted(0, "reports", "Reporter", "ReportingContext"));
    }

    [Fact]
    public async Task NoDiagnostic_HostedServiceCreatingAScopePerUnitOfWork()
    {
        var source = Usings + """
            public class OrderShipper : BackgroundService
            {
                private readonly IServiceScopeFactory _scopes;
                public OrderShipper(IServiceScopeFactory scopes) => _scopes = scopes;

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await using var scope = _scopes.CreateAsyncScope();
                        var db = scope.ServiceProvider.GetRequiredService<ShopContext>();
                        await db.Orders.Where(o => !o.Shipped).ExecuteUpdateAsync(s => s.SetProperty(o => o.Shipped, true), stoppingToken);
                        await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                    }
                }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    /// <summary>The good code of docs/rules/AP1004.md.</summary>
    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddDbContextFactory<ShopContext>();
                    services.AddSingleton<PriceCache>();
                    services.AddHostedService<OrderShipper>();
                }
            }

            public class PriceCache(IDbContextFactory<ShopContext> dbFactory)
            {
                public async Task<decimal> TotalAsync(CancellationToken cancellationToken)
                {
                    await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                    return await db.Orders.SumAsync(o => o.Total, cancellationToken);
                }
            }

            public class OrderShipper(IDbContextFactory<ShopContext> dbFactory) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                        await db.Orders.Where(o => !o.Shipped).ExecuteUpdateAsync(s => s.SetProperty(o => o.Shipped, true), stoppingToken);
                        await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                    }
                }
            }

            public class AuditMiddleware(RequestDelegate next)
            {
                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await next(context);
                    await db.SaveChangesAsync(context.RequestAborted);
                }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    // ---- Middleware ---------------------------------------------------------------------

    private const string AuditMiddleware = """
        public class AuditMiddleware
        {
            private readonly RequestDelegate _next;
            private readonly ShopContext _db;

            public AuditMiddleware(RequestDelegate next, ShopContext {|#0:db|})
            {
                _next = next;
                _db = db;
            }

            public async Task InvokeAsync(HttpContext context)
            {
                await _next(context);
                await _db.SaveChangesAsync(context.RequestAborted);
            }
        }
        """;

    [Fact]
    public async Task Fix_MiddlewareFieldMovesToInvokeAsync()
    {
        var fixedSource = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;

                public AuditMiddleware(RequestDelegate next)
                {
                    _next = next;
                }

                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await _next(context);
                    await db.SaveChangesAsync(context.RequestAborted);
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(Usings + AuditMiddleware + Model, Middleware(0, "db", "AuditMiddleware"), fixedSource);
    }

    [Fact]
    public async Task Fix_MiddlewareWithInvoke()
    {
        var source = Usings + """
            public class CountingMiddleware(RequestDelegate next, ShopContext {|#0:shop|})
            {
                public Task Invoke(HttpContext context)
                {
                    context.Items["orders"] = shop.Orders.Count();
                    return next(context);
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class CountingMiddleware(RequestDelegate next)
            {
                public Task Invoke(HttpContext context, ShopContext shop)
                {
                    context.Items["orders"] = shop.Orders.Count();
                    return next(context);
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Middleware(0, "shop", "CountingMiddleware", "Invoke"), fixedSource);
    }

    [Fact]
    public async Task Fix_MiddlewareFieldNamedLikeTheHttpContextParameter()
    {
        var source = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly ShopContext _context;

                public AuditMiddleware(RequestDelegate next, ShopContext {|#0:context|})
                {
                    _next = next;
                    _context = context;
                }

                public async Task InvokeAsync(HttpContext context)
                {
                    await _next(context);
                    await _context.SaveChangesAsync();
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;

                public AuditMiddleware(RequestDelegate next)
                {
                    _next = next;
                }

                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await _next(context);
                    await db.SaveChangesAsync();
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Middleware(0, "context", "AuditMiddleware"), fixedSource);
    }

    [Fact]
    public async Task NoDiagnostic_MiddlewareTakingTheContextInInvokeAsync()
    {
        var source = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;
                public AuditMiddleware(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await _next(context);
                    await db.SaveChangesAsync(context.RequestAborted);
                }
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NoDiagnostic_IMiddlewareImplementation()
    {
        var source = Usings + """
            public class AuditMiddleware : IMiddleware
            {
                private readonly ShopContext _db;
                public AuditMiddleware(ShopContext db) => _db = db;

                public async Task InvokeAsync(HttpContext context, RequestDelegate next)
                {
                    await next(context);
                    await _db.SaveChangesAsync(context.RequestAborted);
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddScoped<AuditMiddleware>();
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NoDiagnostic_ClassWithoutTheMiddlewareShape()
    {
        // Takes a RequestDelegate but has no Invoke(HttpContext): not something UseMiddleware runs.
        var source = Usings + """
            public class Pipeline
            {
                public Pipeline(RequestDelegate next, ShopContext db) { }
                public Task RunAsync(HttpContext context) => Task.CompletedTask;
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NoFix_MiddlewareFieldUsedOutsideInvoke()
    {
        var source = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly ShopContext _db;

                public AuditMiddleware(RequestDelegate next, ShopContext {|#0:db|})
                {
                    _next = next;
                    _db = db;
                }

                public async Task InvokeAsync(HttpContext context)
                {
                    await _next(context);
                    await SaveAsync(context.RequestAborted);
                }

                private Task SaveAsync(CancellationToken cancellationToken) => _db.SaveChangesAsync(cancellationToken);
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Middleware(0, "db", "AuditMiddleware"), source);
    }

    // ---- Singletons (fix from the registration) ----------------------------------------

    [Fact]
    public async Task Fix_SingletonRegistrationEditsTheClassInAnotherDocument()
    {
        var startup = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddSingleton|}<PriceCache>();
                }
            }
            """;
        var cache = """
            using System.Linq;

            public class PriceCache
            {
                private readonly ShopContext _db;
                public PriceCache(ShopContext {|#1:db|}) { _db = db; }
                public decimal Total() => _db.Orders.Sum(o => o.Total);
            }
            """;
        var cacheFixed = """
            using System.Linq;
            using Microsoft.EntityFrameworkCore;

            public class PriceCache
            {
                private readonly IDbContextFactory<ShopContext> _dbFactory;
                public PriceCache(IDbContextFactory<ShopContext> dbFactory) { _dbFactory = dbFactory; }
                public decimal Total()
                {
                    using var db = _dbFactory.CreateDbContext();
                    return db.Orders.Sum(o => o.Total);
                }
            }
            """;
        var test = new CSharpCodeFixTest<AP1004CapturedDbContextAnalyzer, AP1004CapturedDbContextCodeFix>
        {
            TestState = { Sources = { startup, cache, Usings + Model } },
            FixedState = { Sources = { startup.Replace("{|#0:AddSingleton|}", "AddSingleton"), cacheFixed, Usings + Model } },
            ExpectedDiagnostics = { Singleton(0, "db", "PriceCache", parameterLocation: 1) },
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task NoFix_SingletonReturningADeferredQuery()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.{|#0:AddSingleton|}<OrderSource>();
            }

            public class OrderSource
            {
                private readonly ShopContext _db;
                public OrderSource(ShopContext {|#1:db|}) => _db = db;
                public IQueryable<Order> Open() => _db.Orders.Where(o => !o.Shipped);
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Singleton(0, "db", "OrderSource", parameterLocation: 1), source);
    }

    [Fact]
    public async Task NoFix_FieldUsedInALambda()
    {
        var source = Usings + """
            public class Ticker : BackgroundService
            {
                private readonly ShopContext _db;
                public Ticker(ShopContext {|#0:db|}) => _db = db;

                protected override Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    var timer = new Timer(_ => _db.SaveChanges(), null, 0, 1000);
                    return Task.CompletedTask;
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "db", "Ticker"), source);
    }

    [Fact]
    public async Task FixAll_SeveralClassesAndTheirRegistrations()
    {
        var startup = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddHostedService|}<Shipper>();
                    services.{|#1:AddSingleton|}<Totals>();
                }
            }
            """;
        var classes = Usings + """
            public class Shipper : BackgroundService
            {
                private readonly ShopContext _db;
                public Shipper(ShopContext {|#2:db|}) { _db = db; }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await _db.Orders.ExecuteUpdateAsync(s => s.SetProperty(o => o.Shipped, true), stoppingToken);
                }
            }

            public class Totals
            {
                private readonly ShopContext _context;
                public Totals(ShopContext {|#3:context|}) { _context = context; }
                public int Count() { return _context.Orders.Count(); }
            }
            """;
        var classesFixed = Usings + """
            public class Shipper : BackgroundService
            {
                private readonly IDbContextFactory<ShopContext> _dbFactory;
                public Shipper(IDbContextFactory<ShopContext> dbFactory) { _dbFactory = dbFactory; }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await using var db = await _dbFactory.CreateDbContextAsync(stoppingToken);
                    await db.Orders.ExecuteUpdateAsync(s => s.SetProperty(o => o.Shipped, true), stoppingToken);
                }
            }

            public class Totals
            {
                private readonly IDbContextFactory<ShopContext> _contextFactory;
                public Totals(IDbContextFactory<ShopContext> contextFactory) { _contextFactory = contextFactory; }
                public int Count()
                {
                    using var context = _contextFactory.CreateDbContext();
                    return context.Orders.Count();
                }
            }
            """;
        var test = new CSharpCodeFixTest<AP1004CapturedDbContextAnalyzer, AP1004CapturedDbContextCodeFix>
        {
            TestState = { Sources = { startup, classes, Usings + Model } },
            FixedState =
            {
                Sources = { startup.Replace("{|#0:AddHostedService|}", "AddHostedService").Replace("{|#1:AddSingleton|}", "AddSingleton"), classesFixed, Usings + Model },
            },
            ExpectedDiagnostics =
            {
                Hosted(0, "db", "Shipper", parameterLocation: 2),
                Singleton(1, "context", "Totals", parameterLocation: 3),
                Hosted(2, "db", "Shipper"),
            },
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task FixAll_Middlewares()
    {
        var source = Usings + AuditMiddleware + """

            public class CountingMiddleware(RequestDelegate next, ShopContext {|#1:shop|})
            {
                public Task Invoke(HttpContext context)
                {
                    context.Items["orders"] = shop.Orders.Count();
                    return next(context);
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;

                public AuditMiddleware(RequestDelegate next)
                {
                    _next = next;
                }

                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await _next(context);
                    await db.SaveChangesAsync(context.RequestAborted);
                }
            }
            public class CountingMiddleware(RequestDelegate next)
            {
                public Task Invoke(HttpContext context, ShopContext shop)
                {
                    context.Items["orders"] = shop.Orders.Count();
                    return next(context);
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(
            source,
            new[] { Middleware(0, "db", "AuditMiddleware"), Middleware(1, "shop", "CountingMiddleware", "Invoke") },
            fixedSource);
    }

    [Fact]
    public async Task FixAll_MiddlewareAndHostedServiceInOnePass()
    {
        // `dotnet format analyzers` fixes an ID with the equivalence key of its first action:
        // both rewrites must share it, or one of the two shapes would stay broken.
        var source = Usings + AuditMiddleware + Worker.Replace("{|#0:db|}", "{|#1:db|}") + Model;
        var fixedSource = Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;

                public AuditMiddleware(RequestDelegate next)
                {
                    _next = next;
                }

                public async Task InvokeAsync(HttpContext context, ShopContext db)
                {
                    await _next(context);
                    await db.SaveChangesAsync(context.RequestAborted);
                }
            }
            """ + WorkerFixed + Model;
        var test = new CSharpCodeFixTest<AP1004CapturedDbContextAnalyzer, AP1004CapturedDbContextCodeFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = AP1004CapturedDbContextCodeFix.EquivalenceKey,
        };
        test.ExpectedDiagnostics.Add(Middleware(0, "db", "AuditMiddleware"));
        test.ExpectedDiagnostics.Add(Hosted(1, "db", "OrderShipper"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_DocsBadSingletonWithATaskReturningMethodBecomesAsync()
    {
        var startup = """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddSingleton|}<PriceCache>();
                }
            }

            """;
        var source = Usings + startup + """
            public class PriceCache(ShopContext {|#1:db|})
            {
                public Task<decimal> TotalAsync(CancellationToken cancellationToken)
                    => db.Orders.SumAsync(o => o.Total, cancellationToken);

                public Task<int> CountAsync(bool shipped)
                {
                    if (shipped)
                    {
                        return db.Orders.CountAsync(o => o.Shipped);
                    }

                    return db.Orders.CountAsync();
                }
            }
            """ + Model;
        var fixedSource = Usings + startup.Replace("{|#0:AddSingleton|}", "AddSingleton") + """
            public class PriceCache(IDbContextFactory<ShopContext> dbFactory)
            {
                public async Task<decimal> TotalAsync(CancellationToken cancellationToken)
                {
                    await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                    return await db.Orders.SumAsync(o => o.Total, cancellationToken);
                }

                public async Task<int> CountAsync(bool shipped)
                {
                    await using var db = await dbFactory.CreateDbContextAsync();
                    if (shipped)
                    {
                        return await db.Orders.CountAsync(o => o.Shipped);
                    }

                    return await db.Orders.CountAsync();
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, new[] { Singleton(0, "db", "PriceCache", parameterLocation: 1) }, fixedSource);
    }

    [Fact]
    public async Task Fix_KeepsCommentsAndHandlesThisAccessAndNullGuards()
    {
        var source = Usings + """
            public class Shipper : BackgroundService
            {
                // The shop's database.
                private readonly ShopContext _db;

                public Shipper(ShopContext {|#0:db|})
                {
                    this._db = db ?? throw new ArgumentNullException(nameof(db));
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    // Ship everything that is paid.
                    foreach (var id in new[] { 1, 2, 3 })
                    {
                        // One order at a time.
                        var order = await this._db.Orders.FindAsync(new object[] { id }, stoppingToken); // by key
                        if (order != null)
                        {
                            order.Shipped = true;
                            await _db.SaveChangesAsync(stoppingToken);
                        }
                    }
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class Shipper : BackgroundService
            {
                // The shop's database.
                private readonly IDbContextFactory<ShopContext> _dbFactory;

                public Shipper(IDbContextFactory<ShopContext> dbFactory)
                {
                    this._dbFactory = dbFactory ?? throw new ArgumentNullException(nameof(dbFactory));
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    // Ship everything that is paid.
                    foreach (var id in new[] { 1, 2, 3 })
                    {
                        await using var db = await _dbFactory.CreateDbContextAsync(stoppingToken);
                        // One order at a time.
                        var order = await db.Orders.FindAsync(new object[] { id }, stoppingToken); // by key
                        if (order != null)
                        {
                            order.Shipped = true;
                            await db.SaveChangesAsync(stoppingToken);
                        }
                    }
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "db", "Shipper"), fixedSource);
    }

    [Fact]
    public async Task FixAll_TwoContextsInOneHostedService()
    {
        var source = Usings + """
            public class AuditContext : DbContext
            {
                public AuditContext(DbContextOptions<AuditContext> options) : base(options) { }
            }

            public class Archiver : BackgroundService
            {
                private readonly ShopContext _shop;
                private readonly AuditContext _audit;

                public Archiver(ShopContext {|#0:shop|}, AuditContext {|#1:audit|})
                {
                    _shop = shop;
                    _audit = audit;
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await _shop.Orders.Where(o => o.Shipped).ExecuteDeleteAsync(stoppingToken);
                    await _audit.SaveChangesAsync(stoppingToken);
                }
            }
            """ + Model;
        var fixedSource = Usings + """
            public class AuditContext : DbContext
            {
                public AuditContext(DbContextOptions<AuditContext> options) : base(options) { }
            }

            public class Archiver : BackgroundService
            {
                private readonly IDbContextFactory<ShopContext> _shopFactory;
                private readonly IDbContextFactory<AuditContext> _auditFactory;

                public Archiver(IDbContextFactory<ShopContext> shopFactory, IDbContextFactory<AuditContext> auditFactory)
                {
                    _shopFactory = shopFactory;
                    _auditFactory = auditFactory;
                }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await using var shop = await _shopFactory.CreateDbContextAsync(stoppingToken);
                    await using var audit = await _auditFactory.CreateDbContextAsync(stoppingToken);
                    await shop.Orders.Where(o => o.Shipped).ExecuteDeleteAsync(stoppingToken);
                    await audit.SaveChangesAsync(stoppingToken);
                }
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(
            source,
            new[] { Hosted(0, "shop", "Archiver"), Hosted(1, "audit", "Archiver", "AuditContext") },
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HostedServiceFactoryLambdaResolvingTheContext()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddHostedService|}(sp => new Reporter(sp.GetRequiredService<ShopContext>()));
                }
            }

            public class Reporter : BackgroundService
            {
                public Reporter(ShopContext {|#1:db|}) { }
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """ + Model;
        await Verify.VerifyAnalyzerAsync(source, Hosted(0, "db", "Reporter"), Hosted(1, "db", "Reporter"));
    }

    [Fact]
    public async Task NoFix_ConstructorCalledInCode()
    {
        var source = Usings + """
            public class Shipper : BackgroundService
            {
                private readonly ShopContext _db;
                public Shipper(ShopContext {|#0:db|}) { _db = db; }
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => _db.SaveChangesAsync(stoppingToken);
                public static Shipper For(ShopContext db) => new Shipper(db);
            }
            """ + Model;
        await Verify.VerifyCodeFixAsync(source, Hosted(0, "db", "Shipper"), source);
    }

    [Fact]
    public async Task Diagnostic_HalfTypedCode()
    {
        var source = Usings + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<Missing>();
                    services.AddSingleton(typeof());
                    services.AddHostedService<>();
                    services.AddSingleton<PriceCache>(sp => );
                }
            }

            public class PriceCache
            {
                public PriceCache(ShopContext db, ) { }
            }

            public class Shipper : BackgroundService
            {
                public Shipper(Unknown db, ShopContext {|#0:shop|}) { }
                protected override Task ExecuteAsync(CancellationToken stoppingToken)
            }
            """ + Model;
        await new CSharpAnalyzerTest<AP1004CapturedDbContextAnalyzer>
        {
            TestCode = source,
            CompilerDiagnostics = CompilerDiagnostics.None,
            ExpectedDiagnostics = { Hosted(0, "shop", "Shipper") },
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        var source = """
            using System;
            public class Worker
            {
                public Worker(IServiceProvider services) { }
            }
            """;
        await new CSharpAnalyzerTest<AP1004CapturedDbContextAnalyzer>
        {
            TestCode = source,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }
}
