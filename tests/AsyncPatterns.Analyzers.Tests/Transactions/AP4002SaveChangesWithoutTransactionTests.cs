using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.Analyzers.Transactions;
using AsyncPatterns.CodeFixes.Transactions;
using Microsoft.CodeAnalysis.Diagnostics;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Transactions.AP4002SaveChangesWithoutTransactionAnalyzer,
    AsyncPatterns.CodeFixes.Transactions.AP4002SaveChangesWithoutTransactionCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Transactions;

public class AP4002SaveChangesWithoutTransactionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Model = """

        public class Order { public int Id { get; set; } public bool Placed { get; set; } }
        public class Stock { public int Id { get; set; } public int Quantity { get; set; } }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
            public DbSet<Stock> Stock => Set<Stock>();
        }

        """;

    private static string Code(string body) => Usings + body + Model;

    private static DiagnosticResult Expected(int location, string context, string description)
        => VerifyCS.Diagnostic().WithLocation(location).WithArguments(context, description);

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Code(body), expected);

    // ---------------------------------------------------------------- bad shapes

    [Fact]
    public Task Diagnostic_TwoSaveChangesAsync() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
            {
                db.Orders.Add(order);
                await db.SaveChangesAsync(ct);
                stock.Quantity--;
                await db.{|#0:SaveChangesAsync|}(ct);
            }
        }
        """, Expected(0, "db", "2 SaveChangesAsync calls"));

    [Fact]
    public Task Diagnostic_SyncSavesOnField() => VerifyAsync("""
        class Checkout
        {
            private readonly ShopContext _db;
            public Checkout(ShopContext db) => _db = db;

            public void Place(Order order)
            {
                _db.Orders.Add(order);
                _db.SaveChanges();
                order.Placed = true;
                _db.{|#0:SaveChanges|}();
                _db.SaveChanges();
            }
        }
        """, Expected(0, "_db", "3 SaveChanges calls"));

    [Fact]
    public Task Diagnostic_SaveInLoop() => VerifyAsync("""
        class Importer(ShopContext db)
        {
            public async Task ImportAsync(IEnumerable<Order> orders, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    db.Orders.Add(order);
                    await db.{|#0:SaveChangesAsync|}(ct);
                }
            }
        }
        """, Expected(0, "db", "each loop iteration's SaveChangesAsync"));

    [Fact]
    public Task Diagnostic_SaveMixedWithExecuteDelete() => VerifyAsync("""
        class Cleanup(ShopContext db)
        {
            public async Task ArchiveAsync(Order order, CancellationToken ct)
            {
                order.Placed = false;
                await db.SaveChangesAsync(ct);
                await db.Stock.Where(s => s.Quantity == 0).{|#0:ExecuteDeleteAsync|}(ct);
            }
        }
        """, Expected(0, "db", "2 writes (SaveChangesAsync, ExecuteDeleteAsync)"));

    [Fact]
    public Task Diagnostic_ExecuteSqlThenSaveThroughAlias() => VerifyAsync("""
        class Cleanup(ShopContext context)
        {
            public void Reset(Order order)
            {
                var db = context;
                db.Database.ExecuteSqlRaw("DELETE FROM Stock");
                context.Orders.Add(order);
                db.{|#0:SaveChanges|}();
            }
        }
        """, Expected(0, "context", "2 writes (ExecuteSqlRaw, SaveChanges)"));

    [Fact]
    public Task Diagnostic_InLambda() => VerifyAsync("""
        class Endpoints
        {
            public Func<ShopContext, Order, Task> Handler = async (db, order) =>
            {
                db.Orders.Add(order);
                await db.SaveChangesAsync();
                order.Placed = true;
                await db.{|#0:SaveChangesAsync|}();
            };
        }
        """, Expected(0, "db", "2 SaveChangesAsync calls"));

    [Fact]
    public Task Diagnostic_AfterTransactionCommitted() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place(Order order)
            {
                using (var tx = db.Database.BeginTransaction())
                {
                    db.SaveChanges();
                    tx.Commit();
                }

                db.SaveChanges();
                db.{|#0:SaveChanges|}();
            }
        }
        """, Expected(0, "db", "2 SaveChanges calls"));

    // ---------------------------------------------------------------- near-misses

    [Fact]
    public Task NoDiagnostic_OneSave() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, CancellationToken ct)
            {
                db.Orders.Add(order);
                order.Placed = true;
                await db.SaveChangesAsync(ct);
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_DifferentContexts() => VerifyAsync("""
        class Copier(IDbContextFactory<ShopContext> factory)
        {
            public void Copy(Order order)
            {
                using var source = factory.CreateDbContext();
                using var target = factory.CreateDbContext();
                source.SaveChanges();
                target.SaveChanges();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_InsideTransaction_DocsGoodCode() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                db.Orders.Add(order);
                await db.SaveChangesAsync(ct);
                stock.Quantity--;
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_InsideExecutionStrategy_DocsGoodCode() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    db.Orders.Add(order);
                    await db.SaveChangesAsync(ct);
                    stock.Quantity--;
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                });
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_TransactionScopeAndUseTransaction() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Ambient()
            {
                using var scope = new TransactionScope();
                db.SaveChanges();
                db.SaveChanges();
                scope.Complete();
            }

            public void External(System.Data.Common.DbTransaction transaction)
            {
                db.Database.UseTransaction(transaction);
                db.SaveChanges();
                db.SaveChanges();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_ExclusiveBranchesAndEarlyReturn() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place(Order order, bool express)
            {
                if (express)
                {
                    db.SaveChanges();
                }
                else
                {
                    db.SaveChanges();
                }
            }

            public void Validate(Order order)
            {
                if (order.Id == 0)
                {
                    db.SaveChanges();
                    return;
                }

                db.SaveChanges();
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_LoopThatSavesOnceAndBreaks() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void PlaceFirst(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Placed) continue;
                    order.Placed = true;
                    db.SaveChanges();
                    break;
                }
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_SeedStepsEachGuardedByAQuery() => VerifyAsync("""
        // Found on a real app's seed method (docs/real-world.md): each step checks the database
        // before writing, so a failure part-way is repaired by the next run.
        class Seed(ShopContext db)
        {
            public async Task RunAsync(CancellationToken ct)
            {
                if (!await db.Orders.AnyAsync(ct))
                {
                    db.Orders.Add(new Order());
                    await db.SaveChangesAsync(ct);
                }

                if (!await db.Stock.AnyAsync(ct))
                {
                    db.Stock.Add(new Stock { Quantity = 10 });
                    await db.SaveChangesAsync(ct);
                }
            }
        }
        """);

    [Fact]
    public Task Diagnostic_StepsGuardedByAFlagNotAQuery() => VerifyAsync("""
        class Seed(ShopContext db)
        {
            public async Task RunAsync(bool orders, bool stock, CancellationToken ct)
            {
                if (orders)
                {
                    db.Orders.Add(new Order());
                    await db.SaveChangesAsync(ct);
                }

                if (stock)
                {
                    db.Stock.Add(new Stock { Quantity = 10 });
                    await db.[|SaveChangesAsync|](ct);
                }
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_TwoBulkUpdatesWithoutSaveChanges() => VerifyAsync("""
        class Cleanup(ShopContext db)
        {
            public void Run()
            {
                db.Stock.Where(s => s.Quantity == 0).ExecuteDelete();
                db.Orders.Where(o => !o.Placed).ExecuteDelete();
            }
        }
        """);

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        var test = new CSharpAnalyzerTest<AP4002SaveChangesWithoutTransactionAnalyzer>
        {
            TestCode = """
                class Context { public int SaveChanges() => 0; }
                class C
                {
                    void M(Context db) { db.SaveChanges(); db.SaveChanges(); }
                }
                """,
            References = ReferenceSet.NetOnly,
        };
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- fixes

    [Fact]
    public Task Fix_WrapInTransaction_Async() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
            {
                // validate first
                if (order.Id < 0) throw new ArgumentException("id");
                db.Orders.Add(order);
                await db.SaveChangesAsync(ct);
                stock.Quantity--;
                await db.{|#0:SaveChangesAsync|}(ct);
                Console.WriteLine("placed");
            }
        }
        """), [Expected(0, "db", "2 SaveChangesAsync calls")], Code("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
            {
                // validate first
                if (order.Id < 0) throw new ArgumentException("id");
                db.Orders.Add(order);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                stock.Quantity--;
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                Console.WriteLine("placed");
            }
        }
        """));

    [Fact]
    public Task Fix_WrapInTransaction_SyncLoopAndNameTaken() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Importer(ShopContext db)
        {
            public void Import(IEnumerable<Order> orders, string transaction)
            {
                foreach (var order in orders)
                {
                    db.Orders.Add(order);
                    db.{|#0:SaveChanges|}();
                }
            }
        }
        """), [Expected(0, "db", "each loop iteration's SaveChanges")], Code("""
        class Importer(ShopContext db)
        {
            public void Import(IEnumerable<Order> orders, string transaction)
            {
                using var transaction2 = db.Database.BeginTransaction();
                foreach (var order in orders)
                {
                    db.Orders.Add(order);
                    db.SaveChanges();
                }
                transaction2.Commit();
            }
        }
        """));

    [Fact]
    public Task Fix_NotOfferedWithEarlyReturnBetween() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public int Place(Order order)
            {
                db.SaveChanges();
                if (order.Placed) { db.{|#0:SaveChanges|}(); return 1; }
                db.SaveChanges();
                return 0;
            }
        }
        """), [Expected(0, "db", "3 SaveChanges calls")], Code("""
        class Checkout(ShopContext db)
        {
            public int Place(Order order)
            {
                db.SaveChanges();
                if (order.Placed) { db.{|#0:SaveChanges|}(); return 1; }
                db.SaveChanges();
                return 0;
            }
        }
        """));

    [Fact]
    public Task Fix_ExecutionStrategy_Async() => new CSharpCodeFixTest<AP4002SaveChangesWithoutTransactionAnalyzer, AP4002SaveChangesWithoutTransactionCodeFix>
    {
        TestCode = Code("""
            class Checkout(ShopContext db)
            {
                public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
                {
                    db.Orders.Add(order);
                    await db.SaveChangesAsync(ct);
                    stock.Quantity--;
                    await db.[|SaveChangesAsync|](ct);
                }
            }
            """),
        FixedCode = Code("""
            class Checkout(ShopContext db)
            {
                public async Task PlaceAsync(Order order, Stock stock, CancellationToken ct)
                {
                    db.Orders.Add(order);
                    var strategy = db.Database.CreateExecutionStrategy();
                    await strategy.ExecuteAsync(async () =>
                    {
                        await using var transaction = await db.Database.BeginTransactionAsync(ct);
                        await db.SaveChangesAsync(ct);
                        stock.Quantity--;
                        await db.SaveChangesAsync(ct);
                        await transaction.CommitAsync(ct);
                    });
                }
            }
            """),
        CodeActionEquivalenceKey = AP4002SaveChangesWithoutTransactionCodeFix.ExecutionStrategyEquivalenceKey,
        CodeActionIndex = 1,
    }.RunAsync();

    [Fact]
    public async Task Fix_ExecutionStrategy_NotOfferedWhenLocalUsedAfterOrReturn()
    {
        // The in-place transaction still fits; moving the statements into a lambda would not compile.
        Assert.Equal(
            [AP4002SaveChangesWithoutTransactionCodeFix.TransactionEquivalenceKey],
            await OfferedKeysAsync(Code("""
                class Checkout(ShopContext db)
                {
                    public int Place(Order order)
                    {
                        var first = db.SaveChanges();
                        var second = db.SaveChanges();
                        return first + second;
                    }
                }
                """)));

        Assert.Equal(
            [AP4002SaveChangesWithoutTransactionCodeFix.TransactionEquivalenceKey, AP4002SaveChangesWithoutTransactionCodeFix.ExecutionStrategyEquivalenceKey],
            await OfferedKeysAsync(Code("""
                class Checkout(ShopContext db)
                {
                    public void Place(Order order)
                    {
                        var first = db.SaveChanges();
                        db.SaveChanges();
                        Console.WriteLine(first);
                        db.SaveChanges();
                    }
                }
                """)));
    }

    private static async Task<string[]> OfferedKeysAsync(string source)
    {
        using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
        var project = workspace.AddProject("Test", Microsoft.CodeAnalysis.LanguageNames.CSharp)
            .WithMetadataReferences(ReferenceSet.Full.References)
            .WithCompilationOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
        var document = project.AddDocument("Test.cs", source);
        var compilation = await document.Project.GetCompilationAsync();
        var diagnostics = await compilation!
            .WithAnalyzers([new AP4002SaveChangesWithoutTransactionAnalyzer()])
            .GetAnalyzerDiagnosticsAsync();
        var keys = new List<string>();
        foreach (var diagnostic in diagnostics)
        {
            var context = new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => keys.Add(action.EquivalenceKey ?? string.Empty), CancellationToken.None);
            await new AP4002SaveChangesWithoutTransactionCodeFix().RegisterCodeFixesAsync(context);
        }

        return keys.ToArray();
    }

    [Fact]
    public Task FixAll_TwoMethods() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public void A()
            {
                db.SaveChanges();
                db.[|SaveChanges|]();
            }

            public void B()
            {
                db.SaveChanges();
                db.[|SaveChanges|]();
            }
        }
        """), Code("""
        class Checkout(ShopContext db)
        {
            public void A()
            {
                using var transaction = db.Database.BeginTransaction();
                db.SaveChanges();
                db.SaveChanges();
                transaction.Commit();
            }

            public void B()
            {
                using var transaction = db.Database.BeginTransaction();
                db.SaveChanges();
                db.SaveChanges();
                transaction.Commit();
            }
        }
        """));
}
