using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.Analyzers.Transactions;
using AsyncPatterns.CodeFixes.Transactions;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Transactions.AP4003TransactionNotDisposedOrCommittedAnalyzer,
    AsyncPatterns.CodeFixes.Transactions.AP4003TransactionNotDisposedOrCommittedCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Transactions;

public class AP4003TransactionNotDisposedOrCommittedTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        """;

    private const string Model = """

        public class Order { public int Id { get; set; } public bool Placed { get; set; } }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
        }

        """;

    private const string NotDisposed = "is never disposed, so it keeps its connection and locks until the context is disposed";
    private const string UsingRemedy = "declare it with a using declaration";
    private const string NotCommitted = "is not committed on every path that ends normally, so its work is silently rolled back";
    private const string CommitRemedy = "commit it at the end of its block";

    private static string Code(string body) => Usings + body + Model;

    private static DiagnosticResult Expected(int location, string name, string problem, string remedy)
        => VerifyCS.Diagnostic().WithLocation(location).WithArguments(name, problem, remedy);

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected)
        => VerifyCS.VerifyAnalyzerAsync(Code(body), expected);

    // ---------------------------------------------------------------- bad shapes

    [Fact]
    public Task Diagnostic_NotDisposedButCommitted() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(CancellationToken ct)
            {
                var tx = await {|#0:db.Database.BeginTransactionAsync(ct)|};
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        """, Expected(0, "tx", NotDisposed, UsingRemedy));

    [Fact]
    public Task Diagnostic_UsingButNeverCommitted() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place()
            {
                using var {|#0:tx|} = db.Database.BeginTransaction();
                db.SaveChanges();
            }
        }
        """, Expected(0, "tx", NotCommitted, CommitRemedy));

    [Fact]
    public Task Diagnostic_CommitOnlyInsideIf() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(bool ok, CancellationToken ct)
            {
                await using var {|#0:tx|} = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                if (ok)
                {
                    await tx.CommitAsync(ct);
                }
            }
        }
        """, Expected(0, "tx", NotCommitted, CommitRemedy));

    [Fact]
    public Task Diagnostic_NeitherDisposedNorCommitted() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place()
            {
                var tx = {|#0:db.Database.BeginTransaction()|};
                db.SaveChanges();
            }
        }
        """, Expected(0, "tx", "is neither disposed nor committed on every path", "declare it with a using declaration and commit it at the end of its block"));

    [Fact]
    public Task Diagnostic_DisposedOutsideFinally() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place()
            {
                var tx = {|#0:db.Database.BeginTransaction()|};
                db.SaveChanges();
                tx.Commit();
                tx.Dispose();
            }
        }
        """, Expected(0, "tx", NotDisposed, UsingRemedy));

    [Fact]
    public Task Diagnostic_UsingStatementWithEarlyReturn() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public int Place(Order order)
            {
                using (var {|#0:tx|} = db.Database.BeginTransaction())
                {
                    db.SaveChanges();
                    if (order.Placed) return 0;
                    tx.Commit();
                }

                return 1;
            }
        }
        """, Expected(0, "tx", NotCommitted, CommitRemedy));

    // ---------------------------------------------------------------- near-misses

    [Fact]
    public Task NoDiagnostic_AwaitUsingAndCommit_DocsGoodCode() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(CancellationToken ct)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_CommittedInEveryBranch() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place(bool express)
            {
                using var tx = db.Database.BeginTransaction();
                db.SaveChanges();
                if (express)
                {
                    tx.Commit();
                }
                else
                {
                    db.SaveChanges();
                    tx.Commit();
                }
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_CommitInTryRollbackInCatchDisposeInFinally() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place()
            {
                var tx = db.Database.BeginTransaction();
                try
                {
                    db.SaveChanges();
                    tx.Commit();
                }
                catch
                {
                    tx.Rollback();
                    throw;
                }
                finally
                {
                    tx.Dispose();
                }
            }
        }
        """);

    [Fact]
    public Task NoDiagnostic_ReturnedOrPassedOn() => VerifyAsync("""
        class UnitOfWork(ShopContext db)
        {
            public IDbContextTransaction Begin() => db.Database.BeginTransaction();

            public async Task<IDbContextTransaction> BeginAsync(CancellationToken ct)
            {
                var tx = await db.Database.BeginTransactionAsync(ct);
                return tx;
            }

            public void Handed()
            {
                var tx = db.Database.BeginTransaction();
                Finish(tx);
            }

            private static void Finish(IDbContextTransaction tx) { tx.Commit(); tx.Dispose(); }
        }
        """);

    [Fact]
    public Task NoDiagnostic_ThrowPathAndFacadeForm() => VerifyAsync("""
        class Checkout(ShopContext db)
        {
            public void Place(Order order)
            {
                using var tx = db.Database.BeginTransaction();
                if (order.Id == 0) throw new InvalidOperationException();
                db.SaveChanges();
                tx.Commit();
            }

            public void Facade()
            {
                db.Database.BeginTransaction();
                db.SaveChanges();
                db.Database.CommitTransaction();
            }
        }
        """);

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        var test = new CSharpAnalyzerTest<AP4003TransactionNotDisposedOrCommittedAnalyzer>
        {
            TestCode = """
                class Database { public System.IDisposable BeginTransaction() => null!; }
                class C
                {
                    void M(Database db) { var tx = db.BeginTransaction(); }
                }
                """,
            References = ReferenceSet.NetOnly,
        };
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- fixes

    [Fact]
    public Task Fix_AwaitUsing() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(CancellationToken ct)
            {
                // one unit of work
                var tx = await {|#0:db.Database.BeginTransactionAsync(ct)|};
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                await tx.DisposeAsync();
            }
        }
        """), [Expected(0, "tx", NotDisposed, UsingRemedy)], Code("""
        class Checkout(ShopContext db)
        {
            public async Task PlaceAsync(CancellationToken ct)
            {
                // one unit of work
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        """));

    [Fact]
    public Task Fix_CommitAtEnd_BeforeReturn() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public async Task<int> PlaceAsync(CancellationToken ct)
            {
                await using var {|#0:tx|} = await db.Database.BeginTransactionAsync(ct);
                var saved = await db.SaveChangesAsync(ct);
                return saved;
            }
        }
        """), [Expected(0, "tx", NotCommitted, CommitRemedy)], Code("""
        class Checkout(ShopContext db)
        {
            public async Task<int> PlaceAsync(CancellationToken ct)
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var saved = await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return saved;
            }
        }
        """));

    [Fact]
    public Task Fix_CommitNotOfferedWhenCommittedInABranch() => VerifyCS.VerifyCodeFixAsync(Code("""
        class Checkout(ShopContext db)
        {
            public void Place(bool ok)
            {
                using var {|#0:tx|} = db.Database.BeginTransaction();
                db.SaveChanges();
                if (ok) tx.Commit();
            }
        }
        """), [Expected(0, "tx", NotCommitted, CommitRemedy)], Code("""
        class Checkout(ShopContext db)
        {
            public void Place(bool ok)
            {
                using var {|#0:tx|} = db.Database.BeginTransaction();
                db.SaveChanges();
                if (ok) tx.Commit();
            }
        }
        """));

    [Fact]
    public Task Fix_BothInTurn_SyncUsingThenCommit() => new CSharpCodeFixTest<AP4003TransactionNotDisposedOrCommittedAnalyzer, AP4003TransactionNotDisposedOrCommittedCodeFix>
    {
        TestCode = Code("""
            class Checkout(ShopContext db)
            {
                public void Place()
                {
                    var tx = [|db.Database.BeginTransaction()|];
                    db.SaveChanges();
                }
            }
            """),
        FixedCode = Code("""
            class Checkout(ShopContext db)
            {
                public void Place()
                {
                    using var tx = db.Database.BeginTransaction();
                    db.SaveChanges();
                    tx.Commit();
                }
            }
            """),
    }.RunAsync();

    [Fact]
    public Task FixAll_TwoTransactionsInOneBlock() => new CSharpCodeFixTest<AP4003TransactionNotDisposedOrCommittedAnalyzer, AP4003TransactionNotDisposedOrCommittedCodeFix>
    {
        TestCode = Code("""
            class Checkout(ShopContext db, ShopContext other)
            {
                public void Place()
                {
                    using var [|first|] = db.Database.BeginTransaction();
                    db.SaveChanges();
                    using var [|second|] = other.Database.BeginTransaction();
                    other.SaveChanges();
                }
            }
            """),
        FixedCode = Code("""
            class Checkout(ShopContext db, ShopContext other)
            {
                public void Place()
                {
                    using var first = db.Database.BeginTransaction();
                    db.SaveChanges();
                    using var second = other.Database.BeginTransaction();
                    other.SaveChanges();
                    first.Commit();
                    second.Commit();
                }
            }
            """),
        CodeActionEquivalenceKey = AP4003TransactionNotDisposedOrCommittedCodeFix.CommitEquivalenceKey,
    }.RunAsync();
}
