using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Lifetime;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1005EscapingDbContextAnalyzer,
    AsyncPatterns.CodeFixes.Lifetime.AP1005EscapingDbContextCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Lifetime;

public class AP1005EscapingDbContextTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        """;

    private const string Model = """

        public class Order
        {
            public int Id { get; set; }
            public bool Open { get; set; }
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }

            public DbSet<Order> Orders => Set<Order>();
        }
        """;

    private static Task Verify(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Usings + body + Model, expected);

    // ---- Shape 1: deferred queries and contexts returned from the scope that disposes them ----

    [Fact]
    public Task Diagnostic_QueryReturnedFromUsingDeclaration()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IEnumerable<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    return {|#0:db.Orders.Where(o => o.Open)|};
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("The query returned from 'Open'", "db", "materialize it with 'ToList()' before returning"));

    [Fact]
    public Task Diagnostic_QueryReturnedFromUsingStatement_IQueryableReturnType()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IQueryable<Order> Open()
                {
                    using (var db = factory.CreateDbContext())
                    {
                        return [|db.Orders.Where(o => o.Open)|];
                    }
                }
            }
            """);

    [Fact]
    public Task Diagnostic_AsEnumerableAndAsAsyncEnumerableAndDbSet()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IEnumerable<Order> Enumerable()
                {
                    using var db = factory.CreateDbContext();
                    return [|db.Orders.AsEnumerable().Where(o => o.Open)|];
                }

                public IAsyncEnumerable<Order> Stream()
                {
                    using var db = factory.CreateDbContext();
                    return [|db.Orders.AsAsyncEnumerable()|];
                }

                public IQueryable<Order> All()
                {
                    using var db = factory.CreateDbContext();
                    var query = db.Orders.Select(o => o);
                    return [|query|];
                }
            }
            """);

    [Fact]
    public Task Diagnostic_AwaitUsingInAsyncMethodAndLocalFunctionAndLambda()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public async Task<IEnumerable<Order>> OpenAsync(CancellationToken cancellationToken)
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    return [|db.Orders.Where(o => o.Open)|];
                }

                public IEnumerable<Order> Local()
                {
                    return Load();

                    IEnumerable<Order> Load()
                    {
                        using var db = factory.CreateDbContext();
                        return [|db.Orders|];
                    }
                }

                public Func<IEnumerable<Order>> Lambda() => () =>
                {
                    using var db = factory.CreateDbContext();
                    return [|db.Orders|];
                };
            }
            """);

    [Fact]
    public Task Diagnostic_QueryOverContextFromUsingScope()
        => Verify("""
            public class Repo(IServiceProvider services)
            {
                public IQueryable<Order> Open()
                {
                    using var scope = services.CreateScope();
                    var db = scope.ServiceProvider.GetRequiredService<ShopContext>();
                    return [|db.Orders.Where(o => o.Open)|];
                }

                public async Task<IQueryable<Order>> OpenAsync()
                {
                    await using var scope = services.CreateAsyncScope();
                    await Task.Yield();
                    return [|scope.ServiceProvider.GetRequiredService<ShopContext>().Orders|];
                }
            }
            """);

    [Fact]
    public Task Diagnostic_DisposedContextReturned()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public ShopContext Create()
                {
                    using var db = factory.CreateDbContext();
                    db.Database.EnsureCreated();
                    return {|#0:db|};
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("The caller of 'Create'", "db", "return the data the caller needs, or let the caller create and dispose the context"));

    [Fact]
    public Task Diagnostic_LambdaCapturingDisposedContextReturnedOrStored()
        => Verify("""
            public class Counter(IDbContextFactory<ShopContext> factory)
            {
                private Func<int>? _count;

                public Func<int> Make()
                {
                    using var db = factory.CreateDbContext();
                    return () => {|#0:db|}.Orders.Count();
                }

                public void Store()
                {
                    using var db = factory.CreateDbContext();
                    _count = () => {|#1:db|}.Orders.Count();
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("The delegate returned from 'Make'", "db", "run the query before the scope ends, or let the delegate create its own context"),
            VerifyCS.Diagnostic().WithLocation(1).WithArguments("The delegate stored in '_count'", "db", "run the query before the scope ends, or let the delegate create its own context"));

    [Fact]
    public Task NoDiagnostic_MaterializedResults()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public List<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    return db.Orders.Where(o => o.Open).ToList();
                }

                public async Task<IReadOnlyList<Order>> OpenAsync(CancellationToken cancellationToken)
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    return await db.Orders.Where(o => o.Open).ToListAsync(cancellationToken);
                }

                public IEnumerable<Order> Materialized()
                {
                    using var db = factory.CreateDbContext();
                    var rows = db.Orders.ToList();
                    return rows.Where(o => o.Open);
                }

                public int Count()
                {
                    using var db = factory.CreateDbContext();
                    return db.Orders.Count();
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_QueryFromInjectedContext()
        => Verify("""
            public class OrderRepository
            {
                private readonly ShopContext _db;

                public OrderRepository(ShopContext db) => _db = db;

                public IQueryable<Order> Open() => _db.Orders.Where(o => o.Open);

                public IQueryable<Order> ForParameter(ShopContext db) => db.Orders;
            }
            """);

    [Fact]
    public Task NoDiagnostic_QueryUsedInsideUsingAndIteratorOwningItsContext()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public int OpenCount()
                {
                    using (var db = factory.CreateDbContext())
                    {
                        var open = db.Orders.Where(o => o.Open);
                        return open.Count();
                    }
                }

                public IEnumerable<Order> Stream()
                {
                    using var db = factory.CreateDbContext();
                    foreach (var order in db.Orders.ToList())
                    {
                        yield return order;
                    }
                }

                public Func<IQueryable<Order>, int> Counter()
                {
                    using var db = factory.CreateDbContext();
                    Func<IQueryable<Order>, int> count = q => q.Count();
                    count(db.Orders);
                    return count;
                }
            }
            """);

    // ---- Shape 2: fire-and-forget work using a request-scoped or disposed context ----

    [Fact]
    public Task NoDiagnostic_HostedServiceStartsWorkOnItsInjectedContext()
        // A hosted service is not request-scoped: its injected context is AP1004's finding, and
        // work it starts (from a lambda too) does not outlive a request.
        => Verify("""
            public class Refresher : Microsoft.Extensions.Hosting.BackgroundService
            {
                private readonly ShopContext _db;

                public Refresher(ShopContext db) => _db = db;

                protected override Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    Action kick = () => { _ = Task.Run(() => _db.Orders.Count()); };
                    kick();
                    _ = CountAsync(_db);
                    return Task.CompletedTask;
                }

                private static Task<int> CountAsync(ShopContext db) => db.Orders.CountAsync();
            }
            """);

    [Fact]
    public Task Diagnostic_TaskRunWithInjectedContext()
        => Verify("""
            public class OrdersController : ControllerBase
            {
                private readonly ShopContext _db;

                public OrdersController(ShopContext db) => _db = db;

                public IActionResult Post()
                {
                    _ = Task.Run(() => {|#0:_db|}.Orders.Count());
                    Task.Run(async () => await [|_db|].SaveChangesAsync());
                    return Ok();
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("Background work started by 'Task.Run'", "_db", "create the context inside the work from IDbContextFactory<ShopContext> or a new DI scope"));

    [Fact]
    public Task Diagnostic_StartNewThreadPoolThreadAndStoredTask()
        => Verify("""
            public class ReportService(ShopContext db)
            {
                private Task? _pending;

                public void Start()
                {
                    Task.Factory.StartNew(() => [|db|].SaveChanges());
                    ThreadPool.QueueUserWorkItem(_ => [|db|].SaveChanges());
                    new Thread(() => [|db|].SaveChanges()).Start();
                    _pending = Task.Run(() => [|db|].Orders.Count());
                }
            }
            """);

    [Fact]
    public Task Diagnostic_HandlerParameterAndUsingLocal()
        => Verify("""
            public static class Endpoints
            {
                public static void Handle(ShopContext db)
                {
                    _ = Task.Run(() => [|db|].Orders.Count());
                }

                public static async Task Local(IDbContextFactory<ShopContext> factory)
                {
                    using var db = factory.CreateDbContext();
                    await Task.Run(() => db.Orders.Count());
                    _ = Task.Run(() => [|db|].Orders.Count());
                }
            }
            """);

    [Fact]
    public Task Diagnostic_DiscardedCallUsingTheContext()
        => Verify("""
            public class OrdersController : ControllerBase
            {
                private readonly ShopContext _db;

                public OrdersController(ShopContext db) => _db = db;

                public IActionResult Post()
                {
                    _ = {|#0:NotifyAsync|}();
                    _ = SaveAsync([|_db|]);
                    return Ok();
                }

                private async Task NotifyAsync() => await _db.SaveChangesAsync();

                private static Task SaveAsync(ShopContext db) => db.SaveChangesAsync();
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("Background work started by 'NotifyAsync'", "_db", "await it, or let the work create its own context from IDbContextFactory or a new DI scope"));

    [Fact]
    public Task NoDiagnostic_AwaitedWorkAndWorkOwningItsContext()
        => Verify("""
            public class OrdersController : ControllerBase
            {
                private readonly ShopContext _db;
                private readonly IDbContextFactory<ShopContext> _factory;
                private readonly IServiceScopeFactory _scopes;

                public OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory, IServiceScopeFactory scopes)
                {
                    _db = db;
                    _factory = factory;
                    _scopes = scopes;
                }

                public async Task<IActionResult> Post()
                {
                    await Task.Run(() => _db.Orders.Count());
                    var pending = Task.Run(() => _db.Orders.Count());
                    await Task.WhenAll(pending, Task.Run(() => _db.Orders.Count()));
                    _ = Task.Run(async () =>
                    {
                        await using var db = await _factory.CreateDbContextAsync();
                        await db.SaveChangesAsync();
                    });
                    _ = Task.Run(() =>
                    {
                        using var scope = _scopes.CreateScope();
                        var db = scope.ServiceProvider.GetRequiredService<ShopContext>();
                        db.SaveChanges();
                    });
                    _ = Task.Run(() => Console.WriteLine("no context here"));
                    return Ok();
                }

                public Task<int> Returned() => Task.Run(() => _db.Orders.Count());
            }
            """);

    [Fact]
    public Task NoDiagnostic_WorkCapturingFactories()
        => Verify("""
            public class Jobs(IDbContextFactory<ShopContext> factory, IServiceScopeFactory scopes)
            {
                public void Start()
                {
                    _ = Task.Run(() => factory.CreateDbContext().Dispose());
                    _ = Task.Run(() => scopes.CreateScope().Dispose());
                }
            }
            """);

    // ---- Shape 3: used after the using that owns the context ----

    [Fact]
    public Task Diagnostic_ContextFromScopeUsedAfterTheScope()
        => Verify("""
            public class Repo(IServiceProvider services)
            {
                public int Count()
                {
                    ShopContext db;
                    using (var scope = services.CreateScope())
                    {
                        db = scope.ServiceProvider.GetRequiredService<ShopContext>();
                    }

                    return {|#0:db|}.Orders.Count();
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("Reading 'db' after the using block", "db", "move this code inside the block that owns the scope"));

    [Fact]
    public Task Diagnostic_QueryAssignedInsideUsingEnumeratedAfter()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public List<Order> Open()
                {
                    IQueryable<Order> open;
                    using (var db = factory.CreateDbContext())
                    {
                        open = db.Orders.Where(o => o.Open);
                    }

                    return {|#0:open|}.ToList();
                }
            }
            """,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("Reading 'open' after the using block", "db", "materialize the query with ToList() inside the block"));

    [Fact]
    public Task NoDiagnostic_MaterializedInsideTheBlockOrReassigned()
        => Verify("""
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public List<Order> Open()
                {
                    List<Order> open;
                    using (var db = factory.CreateDbContext())
                    {
                        open = db.Orders.Where(o => o.Open).ToList();
                    }

                    return open;
                }

                public int Reassigned(ShopContext other)
                {
                    IQueryable<Order> query;
                    using (var db = factory.CreateDbContext())
                    {
                        query = db.Orders;
                        query.Count();
                    }

                    query = other.Orders;
                    return query.Count();
                }
            }
            """);

    // ---- The docs page's good code, and a compilation without EF Core ----

    [Fact]
    public Task NoDiagnostic_DocsGoodCode()
        => Verify("""
            public class OrderQueries(IDbContextFactory<ShopContext> factory)
            {
                public async Task<List<Order>> OpenOrdersAsync(CancellationToken cancellationToken)
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    return await db.Orders.Where(o => o.Open).ToListAsync(cancellationToken);
                }
            }

            public class OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory) : ControllerBase
            {
                public async Task<IActionResult> Close(int id, CancellationToken cancellationToken)
                {
                    var order = await db.Orders.FindAsync([id], cancellationToken);
                    _ = Task.Run(async () =>
                    {
                        await using var background = await factory.CreateDbContextAsync();
                        await background.Orders.Where(o => o.Id == id).ExecuteDeleteAsync();
                    });
                    return Ok(order);
                }
            }
            """);

    [Fact]
    public Task NoDiagnostic_WithoutEntityFrameworkCore()
        => new CSharpAnalyzerTest<AP1005EscapingDbContextAnalyzer>
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                public class Store : System.IDisposable
                {
                    public List<int> Items { get; } = new();
                    public void Dispose() { }
                }

                public class Repo
                {
                    public IEnumerable<int> Items()
                    {
                        using var store = new Store();
                        _ = Task.Run(() => store.Items.Count);
                        return store.Items.Where(i => i > 0);
                    }
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();

    // ---- Fixes ----

    [Fact]
    public Task Fix_MaterializeWithToList()
        => VerifyCS.VerifyCodeFixAsync(
            Usings + """
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IEnumerable<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    // the open ones
                    return [|db.Orders.Where(o => o.Open)|]; // keep me
                }
            }
            """ + Model,
            Usings + """
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IEnumerable<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    // the open ones
                    return db.Orders.Where(o => o.Open).ToList(); // keep me
                }
            }
            """ + Model);

    [Fact]
    public Task Fix_MaterializeWithToListAsyncAndTheTokenInScope_AddsUsing()
        => VerifyCS.VerifyCodeFixAsync(
            """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public class Repo(Microsoft.EntityFrameworkCore.IDbContextFactory<ShopContext> factory)
            {
                public async Task<IEnumerable<Order>> OpenAsync(int minimum, CancellationToken cancellationToken)
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    return [|System.Linq.Queryable.Where(db.Orders, o => o.Id > minimum)|];
                }
            }

            public class Order
            {
                public int Id { get; set; }
            }

            public class ShopContext(Microsoft.EntityFrameworkCore.DbContextOptions<ShopContext> options) : Microsoft.EntityFrameworkCore.DbContext(options)
            {
                public Microsoft.EntityFrameworkCore.DbSet<Order> Orders => Set<Order>();
            }
            """,
            """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Repo(Microsoft.EntityFrameworkCore.IDbContextFactory<ShopContext> factory)
            {
                public async Task<IEnumerable<Order>> OpenAsync(int minimum, CancellationToken cancellationToken)
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    return await System.Linq.Queryable.Where(db.Orders, o => o.Id > minimum).ToListAsync(cancellationToken);
                }
            }

            public class Order
            {
                public int Id { get; set; }
            }

            public class ShopContext(Microsoft.EntityFrameworkCore.DbContextOptions<ShopContext> options) : Microsoft.EntityFrameworkCore.DbContext(options)
            {
                public Microsoft.EntityFrameworkCore.DbSet<Order> Orders => Set<Order>();
            }
            """);

    [Fact]
    public Task Fix_MaterializeKeepsGlobalUsingsGlobal()
    {
        // SDK projects import System.Linq through implicit global usings: the fix adds no local copy.
        const string globalUsings = """
            global using System.Collections.Generic;
            global using System.Linq;
            """;
        const string source = """
            using Microsoft.EntityFrameworkCore;

            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IEnumerable<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    return [|db.Orders.Where(o => o.Id > 1)|];
                }
            }

            public class Order
            {
                public int Id { get; set; }
            }

            public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
            {
                public DbSet<Order> Orders => Set<Order>();
            }
            """;
        var test = new CSharpCodeFixTest<AP1005EscapingDbContextAnalyzer, AP1005EscapingDbContextCodeFix>
        {
            TestState = { Sources = { source, globalUsings } },
            FixedState = { Sources = { source.Replace("[|db.Orders.Where(o => o.Id > 1)|]", "db.Orders.Where(o => o.Id > 1).ToList()"), globalUsings } },
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_MaterializeRepairsAListReturnType()
        => new CSharpCodeFixTest<AP1005EscapingDbContextAnalyzer, AP1005EscapingDbContextCodeFix>
        {
            // Half-typed code: the query does not fit IReadOnlyList<T> yet; the fix makes it compile.
            TestCode = Usings + """
                public class Repo(IDbContextFactory<ShopContext> factory)
                {
                    public IReadOnlyList<Order> Open()
                    {
                        using var db = factory.CreateDbContext();
                        return {|CS0266:[|db.Orders.Where(o => o.Open)|]|};
                    }
                }
                """ + Model,
            FixedCode = Usings + """
                public class Repo(IDbContextFactory<ShopContext> factory)
                {
                    public IReadOnlyList<Order> Open()
                    {
                        using var db = factory.CreateDbContext();
                        return db.Orders.Where(o => o.Open).ToList();
                    }
                }
                """ + Model,
        }.RunAsync();

    [Fact]
    public Task Fix_NoMaterializeFixForIQueryableReturnType()
    {
        var source = Usings + """
            public class Repo(IDbContextFactory<ShopContext> factory)
            {
                public IQueryable<Order> Open()
                {
                    using var db = factory.CreateDbContext();
                    return [|db.Orders.Where(o => o.Open)|];
                }
            }
            """ + Model;
        return VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task Fix_CreateContextInsideWorkFromFactory()
        => VerifyCS.VerifyCodeFixAsync(
            Usings + """
            public class OrdersController : ControllerBase
            {
                private readonly ShopContext _db;
                private readonly IDbContextFactory<ShopContext> _factory;

                public OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory)
                {
                    _db = db;
                    _factory = factory;
                }

                public IActionResult Post()
                {
                    _ = Task.Run(() => [|_db|].Orders.Count());
                    return Ok();
                }
            }
            """ + Model,
            Usings + """
            public class OrdersController : ControllerBase
            {
                private readonly ShopContext _db;
                private readonly IDbContextFactory<ShopContext> _factory;

                public OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory)
                {
                    _db = db;
                    _factory = factory;
                }

                public IActionResult Post()
                {
                    _ = Task.Run(() =>
                    {
                        using var db = _factory.CreateDbContext();
                        return db.Orders.Count();
                    });
                    return Ok();
                }
            }
            """ + Model);

    [Fact]
    public Task Fix_CreateContextInsideAsyncWork_AvoidsNameClash()
        => VerifyCS.VerifyCodeFixAsync(
            Usings + """
            public class OrdersController(ShopContext context, IDbContextFactory<ShopContext> factory) : ControllerBase
            {
                public IActionResult Post(int db)
                {
                    _ = Task.Run(async () =>
                    {
                        // count them
                        var n = await [|context|].Orders.CountAsync(o => o.Id > db);
                        await context.SaveChangesAsync();
                    });
                    return Ok();
                }
            }
            """ + Model,
            Usings + """
            public class OrdersController(ShopContext context, IDbContextFactory<ShopContext> factory) : ControllerBase
            {
                public IActionResult Post(int db)
                {
                    _ = Task.Run(async () =>
                    {
                        await using var db2 = await factory.CreateDbContextAsync();
                        // count them
                        var n = await db2.Orders.CountAsync(o => o.Id > db);
                        await db2.SaveChangesAsync();
                    });
                    return Ok();
                }
            }
            """ + Model);

    [Fact]
    public Task Fix_CreateScopeInsideWorkWhenOnlyScopeFactory()
        => VerifyCS.VerifyCodeFixAsync(
            """
            using System.Threading;
            using Microsoft.EntityFrameworkCore;

            public static class Endpoints
            {
                public static void Handle(ShopContext db, Microsoft.Extensions.DependencyInjection.IServiceScopeFactory scopes)
                {
                    ThreadPool.QueueUserWorkItem(_ => [|db|].SaveChanges());
                }
            }

            public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
            {
            }
            """,
            """
            using System.Threading;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;

            public static class Endpoints
            {
                public static void Handle(ShopContext db, Microsoft.Extensions.DependencyInjection.IServiceScopeFactory scopes)
                {
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        using var scope = scopes.CreateScope();
                        var db = scope.ServiceProvider.GetRequiredService<ShopContext>();
                        db.SaveChanges();
                    });
                }
            }

            public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
            {
            }
            """);

    [Fact]
    public Task Fix_NoFixWithoutFactory()
    {
        var source = Usings + """
            public class OrdersController(ShopContext db) : ControllerBase
            {
                public IActionResult Post()
                {
                    _ = Task.Run(() => [|db|].Orders.Count());
                    return Ok();
                }
            }
            """ + Model;
        return VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task FixAll_MaterializesEveryReturnedQuery()
        => new CSharpCodeFixTest<AP1005EscapingDbContextAnalyzer, AP1005EscapingDbContextCodeFix>
        {
            TestCode = Usings + """
                public class Repo(IDbContextFactory<ShopContext> factory)
                {
                    public IEnumerable<Order> Open()
                    {
                        using var db = factory.CreateDbContext();
                        return [|db.Orders.Where(o => o.Open)|];
                    }

                    public IEnumerable<Order> All()
                    {
                        using (var db = factory.CreateDbContext())
                        {
                            return [|db.Orders|];
                        }
                    }

                    public async Task<IEnumerable<Order>> OpenAsync(CancellationToken token)
                    {
                        await using var db = await factory.CreateDbContextAsync(token);
                        return [|db.Orders.Where(o => o.Open)|];
                    }
                }
                """ + Model,
            FixedCode = Usings + """
                public class Repo(IDbContextFactory<ShopContext> factory)
                {
                    public IEnumerable<Order> Open()
                    {
                        using var db = factory.CreateDbContext();
                        return db.Orders.Where(o => o.Open).ToList();
                    }

                    public IEnumerable<Order> All()
                    {
                        using (var db = factory.CreateDbContext())
                        {
                            return db.Orders.ToList();
                        }
                    }

                    public async Task<IEnumerable<Order>> OpenAsync(CancellationToken token)
                    {
                        await using var db = await factory.CreateDbContextAsync(token);
                        return await db.Orders.Where(o => o.Open).ToListAsync(token);
                    }
                }
                """ + Model,
            CodeActionEquivalenceKey = AP1005EscapingDbContextCodeFix.MaterializeKey,
        }.RunAsync();

    [Fact]
    public Task FixAll_CreatesContextInsideEveryBackgroundWork()
        => new CSharpCodeFixTest<AP1005EscapingDbContextAnalyzer, AP1005EscapingDbContextCodeFix>
        {
            TestCode = Usings + """
                public class OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory) : ControllerBase
                {
                    public IActionResult Post()
                    {
                        _ = Task.Run(() => [|db|].Orders.Count());
                        new Thread(() => [|db|].SaveChanges()).Start();
                        Task.Run(async () => await [|db|].SaveChangesAsync());
                        return Ok();
                    }
                }
                """ + Model,
            FixedCode = Usings + """
                public class OrdersController(ShopContext db, IDbContextFactory<ShopContext> factory) : ControllerBase
                {
                    public IActionResult Post()
                    {
                        _ = Task.Run(() =>
                        {
                            using var db = factory.CreateDbContext();
                            return db.Orders.Count();
                        });
                        new Thread(() =>
                        {
                            using var db = factory.CreateDbContext();
                            db.SaveChanges();
                        }).Start();
                        Task.Run(async () =>
                        {
                            await using var db = await factory.CreateDbContextAsync();
                            return await db.SaveChangesAsync();
                        });
                        return Ok();
                    }
                }
                """ + Model,
            CodeActionEquivalenceKey = AP1005EscapingDbContextCodeFix.CreateInsideKey,
        }.RunAsync();
}
