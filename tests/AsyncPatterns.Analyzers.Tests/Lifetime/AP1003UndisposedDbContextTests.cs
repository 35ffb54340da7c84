using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Lifetime;
using Microsoft.CodeAnalysis;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1003UndisposedDbContextAnalyzer,
    AsyncPatterns.CodeFixes.Lifetime.AP1003UndisposedDbContextCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Lifetime;

public class AP1003UndisposedDbContextTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Model = """

        public class Order { public int Id { get; set; } }

        public class ShopContext : DbContext
        {
            public ShopContext() { }
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
        }

        public class UnitOfWork : IDisposable
        {
            public UnitOfWork(ShopContext db) { Db = db; }
            public ShopContext Db { get; }
            public void Dispose() => Db.Dispose();
        }

        """;

    private static string Code(string body) => Usings + body + Model;

    private static DiagnosticResult Expected(int location, string name, string keyword)
        => VerifyCS.Diagnostic().WithLocation(location).WithArguments(name, keyword);

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Code(body), expected);

    private static Task VerifyTopLevelAsync(string body, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<AP1003UndisposedDbContextAnalyzer>
        {
            TestCode = Usings + "using Microsoft.AspNetCore.Builder;\nusing Microsoft.Extensions.DependencyInjection;\n" + body + Model,
            OutputKind = OutputKind.ConsoleApplication,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---------------------------------------------------------------- bad shapes

    [Fact]
    public Task Diagnostic_LocalInSyncMethod() => VerifyAsync("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                var db = {|#0:new ShopContext(options)|};
                return db.Orders.Count();
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_LocalInAsyncMethod() => VerifyAsync("""
        class Reports
        {
            public async Task<int> CountAsync(DbContextOptions<ShopContext> options, CancellationToken ct)
            {
                var db = {|#0:new ShopContext(options)|};
                return await db.Orders.CountAsync(ct);
            }
        }
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_TargetTypedNew() => VerifyAsync("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                ShopContext context = {|#0:new(options)|};
                return context.Orders.Count();
            }
        }
        """, Expected(0, "context", "using"));

    [Fact]
    public Task Diagnostic_FactoryCreateDbContext() => VerifyAsync("""
        class Reports(IDbContextFactory<ShopContext> factory)
        {
            public List<Order> All()
            {
                var db = {|#0:factory.CreateDbContext()|};
                return db.Orders.ToList();
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_FactoryCreateDbContextAsync() => VerifyAsync("""
        class Reports
        {
            private readonly IDbContextFactory<ShopContext> _factory;
            public Reports(IDbContextFactory<ShopContext> factory) => _factory = factory;

            public async Task<List<Order>> AllAsync(CancellationToken ct)
            {
                var db = await {|#0:_factory.CreateDbContextAsync(ct)|}.ConfigureAwait(false);
                return await db.Orders.ToListAsync(ct);
            }
        }
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_GenericContext() => VerifyAsync("""
        class Saver<TContext> where TContext : DbContext, new()
        {
            public int Save()
            {
                var db = {|#0:new TContext()|};
                return db.SaveChanges();
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_SyncLambdaInAsyncMethodAndAsyncLocalFunction() => VerifyAsync("""
        class Reports
        {
            public async Task<int> RunAsync(DbContextOptions<ShopContext> options)
            {
                Func<int> count = () =>
                {
                    var inLambda = {|#0:new ShopContext(options)|};
                    return inLambda.Orders.Count();
                };
                return count() + await LocalAsync();

                async Task<int> LocalAsync()
                {
                    var inLocal = {|#1:new ShopContext(options)|};
                    return await inLocal.Orders.CountAsync() + Twice();

                    int Twice() => 2 * inLocal.Orders.Count();
                }
            }
        }
        """, Expected(0, "inLambda", "using"), Expected(1, "inLocal", "await using"));

    [Fact]
    public Task Diagnostic_MinimalApiHandler() => VerifyTopLevelAsync("""
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDbContextFactory<ShopContext>();
        var app = builder.Build();
        app.MapGet("/orders", async (IDbContextFactory<ShopContext> f) =>
        {
            var db = await {|#0:f.CreateDbContextAsync()|};
            return await db.Orders.ToListAsync();
        });
        app.Run();
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_TopLevelStatements() => VerifyTopLevelAsync("""
        var db = {|#0:new ShopContext()|};
        Console.WriteLine(await db.Orders.CountAsync());
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_PrimaryConstructorAndConstructor() => VerifyAsync("""
        class Reports(DbContextOptions<ShopContext> options)
        {
            private readonly int _count = Count(options);

            public Reports() : this(new DbContextOptions<ShopContext>())
            {
                var seed = {|#1:new ShopContext()|};
                seed.Database.EnsureCreated();
            }

            private static int Count(DbContextOptions<ShopContext> o)
            {
                var db = {|#0:new ShopContext(o)|};
                return db.Orders.Count();
            }

            public int Total => _count;
        }
        """, Expected(0, "db", "using"), Expected(1, "seed", "using"));

    [Fact]
    public Task Diagnostic_SubclassOfContext() => VerifyAsync("""
        class AuditContext : ShopContext
        {
            public AuditContext(DbContextOptions<ShopContext> options) : base(options) { }
        }

        class Audit
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                DbContext db = {|#0:new AuditContext(options)|};
                return db.Set<Order>().Count();
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_DisposedInOneBranchOnly() => VerifyAsync("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options, bool quick)
            {
                var db = {|#0:new ShopContext(options)|};
                var count = db.Orders.Count();
                if (quick)
                {
                    db.Dispose();
                }

                return count;
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_EarlyReturnBeforeDispose() => VerifyAsync("""
        class Reports
        {
            public List<Order> Recent(DbContextOptions<ShopContext> options, int take)
            {
                var db = {|#0:new ShopContext(options)|};
                if (take <= 0)
                {
                    return new List<Order>();
                }

                var orders = db.Orders.Take(take).ToList();
                db.Dispose();
                return orders;
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_ThrowBeforeDisposeAsync() => VerifyAsync("""
        class Reports
        {
            public async Task<int> CountAsync(DbContextOptions<ShopContext> options, int minimum)
            {
                var db = {|#0:new ShopContext(options)|};
                var count = await db.Orders.CountAsync();
                if (count < minimum)
                {
                    throw new InvalidOperationException("too few");
                }

                await db.DisposeAsync();
                return count;
            }
        }
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_CreatedInPlace() => VerifyAsync("""
        class Reports(IDbContextFactory<ShopContext> factory)
        {
            public List<Order> All(DbContextOptions<ShopContext> options) => {|#0:new ShopContext(options)|}.Orders.ToList();

            public async Task<int> CountAsync()
            {
                {|#2:new ShopContext()|};
                return {|#1:factory.CreateDbContext()|}.Orders.Count();
            }
        }
        """, Expected(0, "ShopContext", "using"), Expected(1, "ShopContext", "await using"), Expected(2, "ShopContext", "await using"));

    [Fact]
    public Task Diagnostic_AssignedToExistingLocal() => VerifyAsync("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                ShopContext db;
                db = {|#0:new ShopContext(options)|};
                return db.Orders.Count();
            }
        }
        """, Expected(0, "db", "using"));

    [Fact]
    public Task Diagnostic_PassedToAHelperThatOnlyBorrowsIt() => VerifyAsync("""
        class Seeder
        {
            public async Task SeedAsync(DbContextOptions<ShopContext> options)
            {
                var db = {|#0:new ShopContext(options)|};
                FillDefaults(db);
                await SaveAllAsync(db);
            }

            private static void FillDefaults(ShopContext db) => db.Orders.Add(new Order());

            private static Task SaveAllAsync(ShopContext db) => db.SaveChangesAsync();
        }
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task Diagnostic_CapturedOnlyByQueryLambdas() => VerifyAsync("""
        class Reports
        {
            public List<int> Known(DbContextOptions<ShopContext> options, int[] ids)
            {
                var db = {|#0:new ShopContext(options)|};
                return ids.Where(id => db.Orders.Any(o => o.Id == id)).ToList();
            }
        }
        """, Expected(0, "db", "using"));

    // ---------------------------------------------------------------- near-misses

    [Fact]
    public Task NoDiagnostic_UsingDeclarationsAndStatements() => VerifyAsync("""
        class Reports(IDbContextFactory<ShopContext> factory)
        {
            public async Task<int> RunAsync(DbContextOptions<ShopContext> options)
            {
                using var a = new ShopContext(options);
                await using var b = await factory.CreateDbContextAsync();
                using (var c = factory.CreateDbContext())
                {
                    c.Orders.Count();
                }

                await using (var d = new ShopContext(options))
                {
                    await d.Orders.CountAsync();
                }

                using (new ShopContext(options))
                {
                }

                var e = new ShopContext(options);
                using (e)
                {
                    e.Orders.Count();
                }

                var f = new ShopContext(options);
                using var owner = f;

                ShopContext g;
                using (g = new ShopContext(options))
                {
                }

                return a.Orders.Count() + b.Orders.Count() + f.Orders.Count();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_Returned() => VerifyAsync("""
        class Factory(IDbContextFactory<ShopContext> factory)
        {
            public ShopContext Create(DbContextOptions<ShopContext> options) => new ShopContext(options);

            public ShopContext CreateConfigured(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                return db;
            }

            public async Task<ShopContext> CreateAsync() => await factory.CreateDbContextAsync();

            public Task<ShopContext> CreateTaskAsync() => factory.CreateDbContextAsync();

            public (ShopContext Db, int Count) CreateWithCount()
            {
                var db = factory.CreateDbContext();
                return (db, db.Orders.Count());
            }

            public UnitOfWork Begin() => new UnitOfWork(factory.CreateDbContext());

            public IEnumerable<ShopContext> Many()
            {
                var db = factory.CreateDbContext();
                yield return db;
            }

            public Func<int> CountLater()
            {
                var db = factory.CreateDbContext();
                return () => db.Orders.Count();
            }

            public Holder Hold() => new Holder { Db = factory.CreateDbContext() };

            public Func<int> CountThroughLocalFunction()
            {
                var db = factory.CreateDbContext();
                return Count;

                int Count() => db.Orders.Count();
            }
        }

        class Holder { public ShopContext? Db { get; set; } }
        """);

    [Fact]
    public Task NoDiagnostic_DeferredQueryLeavesTheMethod() => VerifyAsync("""
        class Queries(IDbContextFactory<ShopContext> factory)
        {
            public IQueryable<Order> Open() => factory.CreateDbContext().Orders.Where(o => o.Id > 0);

            public IEnumerable<Order> Recent()
            {
                var db = factory.CreateDbContext();
                return db.Orders.OrderByDescending(o => o.Id).Take(10);
            }

            public IEnumerable<int> Known(int[] ids)
            {
                var db = factory.CreateDbContext();
                return ids.Where(id => db.Orders.Any(o => o.Id == id));
            }

            public IAsyncEnumerable<Order> Stream()
            {
                var db = factory.CreateDbContext();
                return db.Orders.AsAsyncEnumerable();
            }
        }
        """);

    [Fact]
    public Task Diagnostic_QueryKeptInALocalAndExecuted() => VerifyAsync("""
        class Queries(IDbContextFactory<ShopContext> factory)
        {
            public async Task<List<Order>> SearchAsync(int? minimum, CancellationToken ct)
            {
                var db = {|#0:factory.CreateDbContext()|};
                var query = db.Orders.AsQueryable();
                if (minimum is int value)
                {
                    query = query.Where(o => o.Id >= value);
                }

                return await query.ToListAsync(ct);
            }
        }
        """, Expected(0, "db", "await using"));

    [Fact]
    public Task NoDiagnostic_StoredOrHandedToAnOwner() => VerifyAsync("""
        class Repository : IDisposable
        {
            private ShopContext? _db;
            private readonly ShopContext _initialized = new ShopContext();
            public ShopContext Current { get; private set; } = new ShopContext();
            private readonly List<ShopContext> _all = new();

            public Repository(DbContextOptions<ShopContext> options)
            {
                _db = new ShopContext(options);
                var local = new ShopContext(options);
                Current = local;
                _all.Add(new ShopContext(options));
                var other = new ShopContext(options);
                _all.Add(other);
            }

            public UnitOfWork Begin(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                var unit = new UnitOfWork(db);
                return unit;
            }

            public bool TryCreate(DbContextOptions<ShopContext> options, out ShopContext db)
            {
                db = new ShopContext(options);
                return true;
            }

            public void Reset(ref ShopContext? db, DbContextOptions<ShopContext> options)
            {
                var created = new ShopContext(options);
                db = created;
            }

            public void Dispose()
            {
                _db?.Dispose();
                _initialized.Dispose();
                Current.Dispose();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_DisposedOnEveryPath() => VerifyAsync("""
        class Reports
        {
            public int InFinally(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                try
                {
                    return db.Orders.Count();
                }
                finally
                {
                    db.Dispose();
                }
            }

            public async Task<int> InFinallyAsync(DbContextOptions<ShopContext> options)
            {
                ShopContext? db = null;
                try
                {
                    db = new ShopContext(options);
                    return await db.Orders.CountAsync();
                }
                finally
                {
                    if (db != null)
                    {
                        await db.DisposeAsync();
                    }
                }
            }

            public int AtTheEnd(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                var count = db.Orders.Count();
                db.Dispose();
                return count;
            }

            public async Task<int> AtTheEndAsync(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                var count = await db.Orders.CountAsync();
                await db.DisposeAsync();
                return count;
            }

            public int InBothBranches(DbContextOptions<ShopContext> options, bool flag)
            {
                var db = new ShopContext(options);
                var count = db.Orders.Count();
                if (flag)
                {
                    db.Dispose();
                    return count;
                }
                else
                {
                    db.Dispose();
                }

                return -count;
            }

            public int NullChecked(DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                var count = db.Orders.Count();
                db?.Dispose();
                if (db != null)
                    db.Dispose();
                return count;
            }

            public void InLoop(DbContextOptions<ShopContext> options)
            {
                for (var i = 0; i < 3; i++)
                {
                    var db = new ShopContext(options);
                    if (i == 1)
                    {
                        db.Dispose();
                        continue;
                    }

                    db.Orders.Count();
                    db.Dispose();
                }
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_InjectedOrResolvedContexts() => VerifyAsync("""
        using Microsoft.Extensions.DependencyInjection;

        class Reports(ShopContext injected, IServiceProvider services)
        {
            public int Count()
            {
                var fromContainer = services.GetRequiredService<ShopContext>();
                var alias = injected;
                return alias.Orders.Count() + fromContainer.Orders.Count();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_MinimalApiHandlerWithAwaitUsing() => VerifyTopLevelAsync("""
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDbContextFactory<ShopContext>();
        var app = builder.Build();
        app.MapGet("/orders", async (IDbContextFactory<ShopContext> f, CancellationToken ct) =>
        {
            await using var db = await f.CreateDbContextAsync(ct);
            return await db.Orders.ToListAsync(ct);
        });
        app.MapGet("/count", (ShopContext db) => db.Orders.Count());
        app.Run();
        """);

    [Fact]
    public Task NoDiagnostic_DocsGoodCode() => VerifyAsync("""
        class OrderService
        {
            private readonly IDbContextFactory<ShopContext> _factory;

            public OrderService(IDbContextFactory<ShopContext> factory) => _factory = factory;

            public async Task<int> CountOrdersAsync(CancellationToken ct)
            {
                await using var db = await _factory.CreateDbContextAsync(ct);
                return await db.Orders.CountAsync(ct);
            }

            public List<Order> Recent(DbContextOptions<ShopContext> options)
            {
                using var db = new ShopContext(options);
                return db.Orders.ToList();
            }

            // A factory method: the caller owns what it returns.
            public ShopContext CreateContext(DbContextOptions<ShopContext> options) => new ShopContext(options);
        }
        """);

    [Fact]
    public Task NoDiagnostic_CapturedByLongLivedLambda() => VerifyTopLevelAsync("""
        var app = WebApplication.CreateBuilder(args).Build();
        var db = new ShopContext();
        app.MapGet("/count", () => db.Orders.Count());
        app.Run();
        """);

    [Fact]
    public Task NoDiagnostic_FactoryShapes() => VerifyAsync("""
        using Microsoft.EntityFrameworkCore.Design;

        class DesignTimeFactory : IDesignTimeDbContextFactory<ShopContext>
        {
            public ShopContext CreateDbContext(string[] args) => new ShopContext();
        }

        class Picker(IDbContextFactory<ShopContext> factory)
        {
            public ShopContext Pick(bool fresh) => fresh ? new ShopContext() : factory.CreateDbContext();

            public ShopContext PickSwitch(int kind) => kind switch
            {
                0 => new ShopContext(),
                _ => factory.CreateDbContext(),
            };

            public Lazy<ShopContext> Later() => new Lazy<ShopContext>(() => new ShopContext());
        }
        """);

    [Fact]
    public Task NoDiagnostic_RegisteredForDisposal() => VerifyAsync("""
        using Microsoft.AspNetCore.Http;

        class Endpoint
        {
            public int Handle(HttpContext http, DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                http.Response.RegisterForDisposeAsync(db);
                return db.Orders.Count();
            }

            public int Tracked(Stack<IDisposable> owned, DbContextOptions<ShopContext> options)
            {
                var db = new ShopContext(options);
                owned.Push(db);
                return db.Orders.Count();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_HalfTypedCode()
    {
        var test = new CSharpAnalyzerTest<AP1003UndisposedDbContextAnalyzer>
        {
            TestCode = Usings + """
                class Reports
                {
                    public int Count(DbContextOptions<ShopContext> options)
                    {
                        var db = new ShopContext(options
                        db.
                        using (var other = new Shop
                    }
                }
                """ + Model,
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task NoDiagnostic_WithoutEntityFrameworkCore()
    {
        var test = new CSharpAnalyzerTest<AP1003UndisposedDbContextAnalyzer>
        {
            TestCode = """
                using System.IO;

                class DbContext : System.IDisposable
                {
                    public void Dispose() { }
                }

                class Program
                {
                    int Run()
                    {
                        var db = new DbContext();
                        var stream = new MemoryStream();
                        return stream.Capacity;
                    }
                }
                """,
            References = ReferenceSet.NetOnly,
        };
        return test.RunAsync();
    }

    // ---------------------------------------------------------------- fixes

    [Fact]
    public Task Fix_SyncMethod_UsingDeclaration() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                // the reporting context
                var db = {|#0:new ShopContext(options)|}; // kept
                return db.Orders.Count();
            }
        }
        """), Expected(0, "db", "using"), Code("""
        class Reports
        {
            public int Count(DbContextOptions<ShopContext> options)
            {
                // the reporting context
                using var db = new ShopContext(options); // kept
                return db.Orders.Count();
            }
        }
        """));

    [Fact]
    public Task Fix_AsyncMethod_AwaitUsingAndRedundantDisposeRemoved() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Reports(IDbContextFactory<ShopContext> factory)
        {
            public async Task<int> CountAsync(int minimum, CancellationToken ct)
            {
                var db = await {|#0:factory.CreateDbContextAsync(ct)|};
                var count = await db.Orders.CountAsync(ct);
                if (count < minimum)
                {
                    return 0;
                }

                await db.DisposeAsync();
                return count;
            }
        }
        """), Expected(0, "db", "await using"), Code("""
        class Reports(IDbContextFactory<ShopContext> factory)
        {
            public async Task<int> CountAsync(int minimum, CancellationToken ct)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                var count = await db.Orders.CountAsync(ct);
                if (count < minimum)
                {
                    return 0;
                }

                return count;
            }
        }
        """));

    [Fact]
    public Task Fix_TaskReturningMethodWithoutAsync_UsesUsing() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Reports
        {
            public Task<int> CountAsync(DbContextOptions<ShopContext> options)
            {
                var db = {|#0:new ShopContext(options)|};
                return Task.FromResult(db.Orders.Count());
            }
        }
        """), Expected(0, "db", "using"), Code("""
        class Reports
        {
            public Task<int> CountAsync(DbContextOptions<ShopContext> options)
            {
                using var db = new ShopContext(options);
                return Task.FromResult(db.Orders.Count());
            }
        }
        """));

    [Fact]
    public Task Fix_AsyncLambdaAndGenericContext() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Jobs<TContext> where TContext : DbContext, new()
        {
            public Func<Task<int>> Job() => async () =>
            {
                var db = {|#0:new TContext()|};
                return await db.SaveChangesAsync();
            };
        }
        """), Expected(0, "db", "await using"), Code("""
        class Jobs<TContext> where TContext : DbContext, new()
        {
            public Func<Task<int>> Job() => async () =>
            {
                await using var db = new TContext();
                return await db.SaveChangesAsync();
            };
        }
        """));

    [Fact]
    public Task NoFix_CreatedInPlaceOrAssignedToEarlierLocal()
    {
        var source = Code("""
            class Reports
            {
                public int Count(DbContextOptions<ShopContext> options)
                {
                    ShopContext db;
                    db = {|#0:new ShopContext(options)|};
                    return db.Orders.Count() + {|#1:new ShopContext(options)|}.Orders.Count();
                }
            }
            """);
        return VerifyCS.VerifyCodeFixAsync(source, new[] { Expected(0, "db", "using"), Expected(1, "ShopContext", "using") }, source);
    }

    [Fact]
    public Task NoFix_ReassignedLocalOrGoto()
    {
        var source = Code("""
            class Reports
            {
                public int Reassigned(DbContextOptions<ShopContext> options)
                {
                    var db = {|#0:new ShopContext(options)|};
                    var count = db.Orders.Count();
                    db = {|#1:new ShopContext(options)|};
                    return count + db.Orders.Count();
                }

                public int WithGoto(DbContextOptions<ShopContext> options, int tries)
                {
                again:
                    Console.WriteLine(tries);
                    var db = {|#2:new ShopContext(options)|};
                    if (db.Orders.Count() == 0 && tries-- > 0)
                    {
                        goto again;
                    }

                    return tries;
                }
            }
            """);
        return VerifyCS.VerifyCodeFixAsync(
            source,
            new[] { Expected(0, "db", "using"), Expected(1, "db", "using"), Expected(2, "db", "using") },
            source);
    }

    [Fact]
    public Task Fix_TopLevelStatements() => new CSharpCodeFixTest<AP1003UndisposedDbContextAnalyzer, AP1003UndisposedDbContextCodeFix>
    {
        TestCode = Usings + """
            var db = {|#0:new ShopContext()|};
            if (args.Length > 0)
            {
                return;
            }

            // done with the database
            await db.DisposeAsync();
            Console.WriteLine(await db.Orders.CountAsync());
            """ + Model,
        FixedCode = Usings + """
            await using var db = new ShopContext();
            if (args.Length > 0)
            {
                return;
            }

            // done with the database
            Console.WriteLine(await db.Orders.CountAsync());
            """ + Model,
        ExpectedDiagnostics = { Expected(0, "db", "await using") },
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task NoFix_SwitchSection()
    {
        var source = Code("""
            class Reports
            {
                public int Count(DbContextOptions<ShopContext> options, int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            var db = {|#0:new ShopContext(options)|};
                            return db.Orders.Count();
                        default:
                            return 0;
                    }
                }
            }
            """);
        return VerifyCS.VerifyCodeFixAsync(source, Expected(0, "db", "using"), source);
    }

    [Fact]
    public Task FixAll_SeveralInOneDocument() => new CSharpCodeFixTest<AP1003UndisposedDbContextAnalyzer, AP1003UndisposedDbContextCodeFix>
    {
        TestCode = Code("""
            class Reports(IDbContextFactory<ShopContext> factory)
            {
                public int Count(DbContextOptions<ShopContext> options)
                {
                    var a = [|new ShopContext(options)|];
                    var b = [|factory.CreateDbContext()|];
                    var total = a.Orders.Count() + b.Orders.Count();
                    if (total == 0)
                    {
                        return 0;
                    }

                    a.Dispose();
                    return total;
                }

                public async Task<int> CountAsync()
                {
                    var c = await [|factory.CreateDbContextAsync()|];
                    return await c.Orders.CountAsync();
                }
            }
            """),
        FixedCode = Code("""
            class Reports(IDbContextFactory<ShopContext> factory)
            {
                public int Count(DbContextOptions<ShopContext> options)
                {
                    using var a = new ShopContext(options);
                    using var b = factory.CreateDbContext();
                    var total = a.Orders.Count() + b.Orders.Count();
                    if (total == 0)
                    {
                        return 0;
                    }

                    return total;
                }

                public async Task<int> CountAsync()
                {
                    await using var c = await factory.CreateDbContextAsync();
                    return await c.Orders.CountAsync();
                }
            }
            """),
        CodeActionEquivalenceKey = AP1003UndisposedDbContextCodeFix.EquivalenceKey,
    }.RunAsync();
}
