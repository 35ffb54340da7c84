using AsyncPatterns.Analyzers.Tests.Meta;
using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer,
    AsyncPatterns.CodeFixes.Transactions.AP4001UnorderedRowLocksCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Transactions;

public sealed class AP4001UnorderedRowLocksTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Account { public int Id { get; set; } public decimal Balance { get; set; } }
        public class Document { public Guid Id { get; set; } public int Version { get; set; } }
        public class BankContext : DbContext
        {
            public DbSet<Account> Accounts => Set<Account>();
            public DbSet<Document> Documents => Set<Document>();
        }

        """;

    private const string Transfer = """
        public class Bank(BankContext db)
        {
            public async Task TransferAsync(int fromId, int toId, decimal amount)
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                var from = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {fromId} FOR UPDATE").SingleAsync();
                var to = await db.Accounts.{|#0:FromSqlInterpolated|}($"SELECT * FROM accounts WHERE id = {toId} FOR UPDATE").SingleAsync();
                from.Balance -= amount;
                to.Balance += amount;
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
        }
        """;

    private const string TransferFixed = """
        public class Bank(BankContext db)
        {
            public async Task TransferAsync(int fromId, int toId, decimal amount)
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {Math.Min(fromId, toId)} FOR UPDATE").SingleAsync();
                await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {Math.Max(fromId, toId)} FOR UPDATE").SingleAsync();
                var from = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {fromId} FOR UPDATE").SingleAsync();
                var to = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {toId} FOR UPDATE").SingleAsync();
                from.Balance -= amount;
                to.Balance += amount;
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
        }
        """;

    [Fact]
    public async Task Diagnostic_TransferLocksFromThenTo_MessageNamesTableAndKeys()
    {
        await VerifyCS.VerifyAnalyzerAsync(
            Usings + Transfer,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "Row locks on 'accounts' are taken by key 'fromId' and then by key 'toId'; acquire in ascending key order"));
    }

    [Fact]
    public async Task Fix_Transfer_LocksMinThenMaxAndKeepsRoles()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Transfer, new[] { VerifyCS.Diagnostic().WithLocation(0) }, Usings + TransferFixed);
    }

    [Fact]
    public async Task NoDiagnostic_FixedTransfer()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + TransferFixed);
    }

    /// <summary>The runtime test's transfer methods: the fix turns the deadlocking one into exactly the one that runs without deadlocks.</summary>
    [Fact]
    public async Task Fix_RuntimeTransfer_ProducesTheShapeTheRuntimeTestRuns()
    {
        var file = File.ReadAllText(RepositoryRoot.Combine("tests", "AsyncPatterns.Analyzers.Tests", "Runtime", "AP4001DeadlockRuntimeTests.cs"));
        var bad = Between(file, "// AP4001 bad shape: begin", "// AP4001 bad shape: end");
        var good = Between(file, "// AP4001 fixed shape: begin", "// AP4001 fixed shape: end").Replace("TransferOrderedAsync", "TransferUnorderedAsync");
        var secondLock = bad.LastIndexOf("FromSqlInterpolated", StringComparison.Ordinal);
        var marked = bad[..secondLock] + "[|FromSqlInterpolated|]" + bad[(secondLock + "FromSqlInterpolated".Length)..];

        const string header = """
            using System;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed class Account { public int Id { get; set; } public decimal Balance { get; set; } }
            public sealed class BankContext(DbContextOptions<BankContext> options) : DbContext(options)
            {
                public DbSet<Account> Accounts => Set<Account>();
            }

            public static class Transfers
            {

            """;
        await VerifyCS.VerifyCodeFixAsync(header + marked + "}\n", header + good + "}\n");
    }

    private static string Between(string text, string begin, string end)
    {
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"Markers '{begin}'/'{end}' not found.");
        var body = text[(start + begin.Length)..stop];

        // From the line after the begin marker to the end of the line before the end marker.
        body = body[(body.IndexOf('\n') + 1)..];
        return body[..(body.LastIndexOf('\n') + 1)].Replace("\r\n", "\n");
    }

    [Fact]
    public async Task Diagnostic_FromSqlRawWithFormatParameters_AnyCaseAndWhitespace()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task M(int a, int b)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    var x = await db.Accounts.FromSqlRaw("select * from accounts where id = {0} for   no key\n update", a).SingleAsync();
                    var y = await db.Accounts.[|FromSqlRaw|]("select * from accounts where id = {0} For Update", b).SingleAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_SqlServerHints_ConstFieldAndConcatenation()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                private const string LockAccount = "SELECT * FROM Accounts WITH (UPDLOCK, ROWLOCK) WHERE Id = ";

                public async Task M(int a, int b)
                {
                    var x = await db.Accounts.FromSqlRaw(LockAccount + "{0}", a).SingleAsync();
                    var y = await db.Accounts.[|FromSqlRaw|](LockAccount + "{0}", b).SingleAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_SqlQueryAndExecuteSql_ForShare_MySqlLockInShareMode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task M(int a, int b)
                {
                    var x = await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM accounts WHERE id = {a} FOR SHARE").SingleAsync();
                    await db.Database.[|ExecuteSqlAsync|]($"SELECT 1 FROM accounts WHERE id = {b} FOR KEY SHARE");
                }

                public void N(int a, int b)
                {
                    db.Database.ExecuteSqlRaw("SELECT 1 FROM accounts WHERE id = @p0 LOCK IN SHARE MODE", a);
                    db.Database.[|ExecuteSqlRaw|]("SELECT 1 FROM accounts WHERE id = @p0 LOCK IN SHARE MODE", b);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_NoLockingClause_DifferentTables_SameKeyTwice()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task Plain(int a, int b)
                {
                    var x = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {a}").SingleAsync();
                    var y = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {b}").SingleAsync();
                }

                public async Task Tables(int a, Guid b)
                {
                    var x = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {a} FOR UPDATE").SingleAsync();
                    var y = await db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {b} FOR UPDATE").SingleAsync();
                }

                public async Task Twice(int a)
                {
                    var x = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {a} FOR UPDATE").SingleAsync();
                    var y = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {a} FOR UPDATE").SingleAsync();
                }

                public async Task AscendingConstants()
                {
                    var x = await db.Accounts.FromSqlRaw("SELECT * FROM accounts WHERE id = 1 FOR UPDATE").SingleAsync();
                    var y = await db.Accounts.FromSqlRaw("SELECT * FROM accounts WHERE id = 2 FOR UPDATE").SingleAsync();
                }
            }
            """);
    }

    /// <summary>The good code of the docs page.</summary>
    [Fact]
    public async Task NoDiagnostic_KeysSortedByDeconstruction()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task TransferAsync(int fromId, int toId, decimal amount)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    var (firstId, secondId) = fromId < toId ? (fromId, toId) : (toId, fromId);
                    var first = await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {firstId} FOR UPDATE").SingleAsync();
                    var second = await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {secondId} FOR UPDATE").SingleAsync();
                    var from = first.Id == fromId ? first : second;
                    var to = first.Id == fromId ? second : first;
                    from.Balance -= amount;
                    to.Balance += amount;
                    await db.SaveChangesAsync();
                    await transaction.CommitAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_MinMax_CompareAndSwap_SortedArray()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task MinMax(int a, int b)
                {
                    var lo = Math.Min(a, b);
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {lo} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {Math.Max(a, b)} FOR UPDATE");
                }

                public async Task Swap(int a, int b)
                {
                    if (a > b) (a, b) = (b, a);
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {a} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {b} FOR UPDATE");
                }

                public async Task Sorted(int a, int b)
                {
                    var ids = new[] { a, b }.Order().ToArray();
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {ids[0]} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {ids[1]} FOR UPDATE");
                }

                public async Task Branches(int a, int b)
                {
                    if (a < b)
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {a} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {b} FOR UPDATE");
                    }
                    else
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {b} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {a} FOR UPDATE");
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_ExecuteUpdateByKeyInsideTransaction_NoFix()
    {
        var source = Usings + """
            public class Bank(BankContext db)
            {
                public async Task TransferAsync(int fromId, int toId, decimal amount)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    await db.Accounts.Where(a => a.Id == fromId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance - amount));
                    await db.Accounts.Where(a => toId == a.Id).{|#0:ExecuteUpdateAsync|}(s => s.SetProperty(a => a.Balance, a => a.Balance + amount));
                    await transaction.CommitAsync();
                }
            }
            """;

        // An ExecuteUpdate cannot be run twice to take its lock early: no fix is offered.
        await VerifyCS.VerifyCodeFixAsync(
            source,
            new[] { VerifyCS.Diagnostic().WithLocation(0).WithArguments("Account", "by key 'fromId' and then by key 'toId'") },
            source);
    }

    [Fact]
    public async Task Diagnostic_ExecuteDeleteInsideTransactionScope()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public void Remove(int a, int b)
                {
                    using var scope = new System.Transactions.TransactionScope();
                    db.Accounts.Where(x => x.Id == a).ExecuteDelete();
                    db.Accounts.Where(x => x.Id == b).[|ExecuteDelete|]();
                    scope.Complete();
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_ExecuteUpdateWithoutTransaction_OrNotByKey()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task NoTransaction(int a, int b)
                {
                    await db.Accounts.Where(x => x.Id == a).ExecuteUpdateAsync(s => s.SetProperty(x => x.Balance, 0m));
                    await db.Accounts.Where(x => x.Id == b).ExecuteUpdateAsync(s => s.SetProperty(x => x.Balance, 0m));
                }

                public async Task NotByKey(decimal a, decimal b)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    await db.Accounts.Where(x => x.Balance == a).ExecuteDeleteAsync();
                    await db.Accounts.Where(x => x.Balance == b).ExecuteDeleteAsync();
                    await transaction.CommitAsync();
                }
            }
            """);
    }

    private const string Repository = """
        public class MyRepo(BankContext db)
        {
            public Task<Account> LockAccountAsync(int id) => db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {id} FOR UPDATE").SingleAsync();
            public Task<Account> LoadAsync(int id) => db.Accounts.SingleAsync(a => a.Id == id);
        }

        """;

    [Fact]
    public async Task Option_UserLockMethods_Diagnostic()
    {
        var test = new CSharpCodeFixTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer, AsyncPatterns.CodeFixes.Transactions.AP4001UnorderedRowLocksCodeFix>
        {
            TestCode = Usings + Repository + """
                public class Bank(MyRepo repo)
                {
                    public async Task TransferAsync(int fromId, int toId)
                    {
                        var from = await repo.LockAccountAsync(fromId);
                        var to = await repo.[|LockAccountAsync|](toId);
                        var a = await repo.LoadAsync(fromId);
                        var b = await repo.LoadAsync(toId);
                    }
                }
                """,
            FixedCode = Usings + Repository + """
                public class Bank(MyRepo repo)
                {
                    public async Task TransferAsync(int fromId, int toId)
                    {
                        // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                        await repo.LockAccountAsync(Math.Min(fromId, toId));
                        await repo.LockAccountAsync(Math.Max(fromId, toId));
                        var from = await repo.LockAccountAsync(fromId);
                        var to = await repo.LockAccountAsync(toId);
                        var a = await repo.LoadAsync(fromId);
                        var b = await repo.LoadAsync(toId);
                    }
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.lock_methods = MyRepo.LockAccountAsync, LockRow\n"));
        test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.lock_methods = MyRepo.LockAccountAsync, LockRow\n"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Option_UserLockMethods_NotListed_NoDiagnostic()
    {
        var test = new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer>
        {
            TestCode = Usings + Repository + """
                public class Bank(MyRepo repo)
                {
                    public async Task TransferAsync(int fromId, int toId)
                    {
                        var from = await repo.LockAccountAsync(fromId);
                        var to = await repo.LockAccountAsync(toId);
                    }
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.lock_methods = OtherRepo.LockAccountAsync, LockRow\n"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("root = true\n[*.cs]\nasync_patterns.lock_methods = MyRepo.LockAccountAsync()\n")]
    [InlineData("root = true\n[*.cs]\nasync_patterns.lock_methods = MyRepo..LockAccountAsync\n")]
    [InlineData("root = true\n[*.cs]\nasync_patterns.lock_methods = MyRepo.LockAccountAsync, 1Lock\n")]
    [InlineData("root = true\n[*.cs]\nasync_patterns.lock_methods =\n")]
    [InlineData(null)]
    public async Task Option_UserLockMethods_InvalidOrAbsent_FallsBackToNone(string? editorconfig)
    {
        // An invalid value falls back to the default, no user lock methods (AP9001 reports the value).
        var test = new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer>
        {
            TestCode = Usings + Repository + """
                public class Bank(MyRepo repo)
                {
                    public async Task TransferAsync(int fromId, int toId)
                    {
                        var from = await repo.LockAccountAsync(fromId);
                        var to = await repo.LockAccountAsync(toId);
                    }
                }
                """,
        };
        if (editorconfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorconfig));
        }

        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_GuidKeys_UseCompareTo()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class Docs(BankContext db)
            {
                public void Merge(Guid target, Guid source)
                {
                    var t = db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {target} FOR UPDATE").Single();
                    var s = db.Documents.[|FromSqlInterpolated|]($"SELECT * FROM documents WHERE id = {source} FOR UPDATE").Single();
                    t.Version += s.Version;
                }
            }
            """, Usings + """
            public class Docs(BankContext db)
            {
                public void Merge(Guid target, Guid source)
                {
                    // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                    db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {(target.CompareTo(source) <= 0 ? target : source)} FOR UPDATE").Single();
                    db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {(target.CompareTo(source) <= 0 ? source : target)} FOR UPDATE").Single();
                    var t = db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {target} FOR UPDATE").Single();
                    var s = db.Documents.FromSqlInterpolated($"SELECT * FROM documents WHERE id = {source} FOR UPDATE").Single();
                    t.Version += s.Version;
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_LoopOverParameter_FixOrdersIt_AddsUsing()
    {
        const string header = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Account { public int Id { get; set; } public decimal Balance { get; set; } }
            public class BankContext : DbContext { public DbSet<Account> Accounts => Set<Account>(); }

            """;
        await VerifyCS.VerifyCodeFixAsync(header + """
            public class Bank(BankContext db)
            {
                public async Task FreezeAsync(IEnumerable<int> ids)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    foreach (var id in ids)
                    {
                        await db.Database.{|#0:ExecuteSqlAsync|}($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    }

                    await transaction.CommitAsync();
                }
            }
            """,
            new[] { VerifyCS.Diagnostic().WithLocation(0).WithArguments("accounts", "in a loop over 'ids', whose order is not guaranteed") },
            header.Replace("using System.Collections.Generic;\n", "using System.Collections.Generic;\nusing System.Linq;\n") + """
            public class Bank(BankContext db)
            {
                public async Task FreezeAsync(IEnumerable<int> ids)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    foreach (var id in ids.Order())
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    }

                    await transaction.CommitAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Fix_WithoutUsingSystem_QualifiesMath()
    {
        const string header = """
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Account { public int Id { get; set; } public decimal Balance { get; set; } }
            public class BankContext : DbContext { public DbSet<Account> Accounts => Set<Account>(); }

            """;
        await VerifyCS.VerifyCodeFixAsync(header + """
            public class Bank(BankContext db)
            {
                public async Task M(int a, int b)
                {
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {a} FOR UPDATE");
                    await db.Database.[|ExecuteSqlAsync|]($"SELECT 1 FROM accounts WHERE id = {b} FOR UPDATE");
                }
            }
            """, header + """
            public class Bank(BankContext db)
            {
                public async Task M(int a, int b)
                {
                    // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {System.Math.Min(a, b)} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {System.Math.Max(a, b)} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {a} FOR UPDATE");
                    await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {b} FOR UPDATE");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_LoopOverHashSet()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task FreezeAsync(HashSet<int> ids)
                {
                    foreach (var id in ids)
                    {
                        var account = await db.Accounts.[|FromSql|]($"SELECT * FROM accounts WHERE id = {id} FOR UPDATE").SingleAsync();
                        account.Balance = 0;
                    }
                }
            }
            """, Usings + """
            public class Bank(BankContext db)
            {
                public async Task FreezeAsync(HashSet<int> ids)
                {
                    foreach (var id in ids.Order())
                    {
                        var account = await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {id} FOR UPDATE").SingleAsync();
                        account.Balance = 0;
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_LoopOverOrderedOrSortedCollections()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public async Task Ordered(IEnumerable<int> ids)
                {
                    foreach (var id in ids.Order())
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    foreach (var id in ids.OrderBy(x => x).Distinct().ToList())
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                }

                public async Task Sorted(SortedSet<int> ids, SortedDictionary<int, decimal> amounts)
                {
                    foreach (var id in ids)
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    foreach (var pair in amounts)
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {pair.Key} FOR UPDATE");
                }

                public async Task SortedInPlace(int[] ids, List<int> list)
                {
                    Array.Sort(ids);
                    foreach (var id in ids)
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    list.Sort();
                    foreach (var id in list)
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_MultiRowLockWithoutOrderBy_FixAddsOrderBy()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            public class Bank(BankContext db)
            {
                public Task<List<Account>> LockAllAsync(int[] ids)
                    => db.Accounts.{|#0:FromSqlInterpolated|}($"SELECT * FROM accounts WHERE id = ANY({ids}) FOR UPDATE").ToListAsync();

                public Task<List<Account>> LockSomeAsync()
                    => db.Accounts.[|FromSqlRaw|]("SELECT * FROM accounts WHERE \"Id\" IN (1, 2, 3) FOR NO KEY UPDATE").ToListAsync();
            }
            """,
            new[]
            {
                VerifyCS.Diagnostic().WithLocation(0).WithArguments("accounts", "by one statement for every row its 'id' filter matches, without ORDER BY"),
            },
            Usings + """
            public class Bank(BankContext db)
            {
                public Task<List<Account>> LockAllAsync(int[] ids)
                    => db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = ANY({ids}) ORDER BY id FOR UPDATE").ToListAsync();

                public Task<List<Account>> LockSomeAsync()
                    => db.Accounts.FromSqlRaw("SELECT * FROM accounts WHERE \"Id\" IN (1, 2, 3) ORDER BY \"Id\" FOR NO KEY UPDATE").ToListAsync();
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_MultiRowLockWithOrderBy()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Bank(BankContext db)
            {
                public Task<List<Account>> LockAllAsync(int[] ids)
                    => db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = ANY({ids}) ORDER BY id FOR UPDATE").ToListAsync();
            }
            """);
    }

    [Fact]
    public async Task FixAll_PairsLoopsAndMultiRowInOneDocument()
    {
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer, AsyncPatterns.CodeFixes.Transactions.AP4001UnorderedRowLocksCodeFix>
        {
            TestCode = Usings + """
                public class Bank(BankContext db)
                {
                    public async Task A(int x, int y)
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {x} FOR UPDATE");
                        await db.Database.[|ExecuteSqlAsync|]($"SELECT 1 FROM accounts WHERE id = {y} FOR UPDATE");
                    }

                    public async Task B(long x, long y)
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {y} FOR UPDATE");
                        await db.Database.[|ExecuteSqlAsync|]($"SELECT 1 FROM accounts WHERE id = {x} FOR UPDATE");
                    }

                    public async Task C(List<int> ids)
                    {
                        foreach (var id in ids)
                            await db.Database.[|ExecuteSqlAsync|]($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                        await db.Accounts.[|FromSql|]($"SELECT * FROM accounts WHERE id = ANY({ids}) FOR UPDATE").ToListAsync();
                    }
                }
                """,
            FixedCode = Usings + """
                public class Bank(BankContext db)
                {
                    public async Task A(int x, int y)
                    {
                        // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {Math.Min(x, y)} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {Math.Max(x, y)} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {x} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {y} FOR UPDATE");
                    }

                    public async Task B(long x, long y)
                    {
                        // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {Math.Min(y, x)} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {Math.Max(y, x)} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {y} FOR UPDATE");
                        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {x} FOR UPDATE");
                    }

                    public async Task C(List<int> ids)
                    {
                        foreach (var id in ids.Order())
                            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                        await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = ANY({ids}) ORDER BY id FOR UPDATE").ToListAsync();
                    }
                }
                """,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer>
        {
            References = ReferenceSet.NetOnly,
            TestCode = """
                using System.Collections.Generic;
                public class Bank
                {
                    public void M(IEnumerable<int> ids)
                    {
                        foreach (var id in ids) Lock($"SELECT * FROM accounts WHERE id = {id} FOR UPDATE");
                    }

                    private static void Lock(string sql) { }
                }
                """,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_HalfTypedCode()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Transactions.AP4001UnorderedRowLocksAnalyzer>
        {
            CompilerDiagnostics = CompilerDiagnostics.None,
            TestCode = Usings + """
                public class Bank(BankContext db)
                {
                    public async Task M(int a)
                    {
                        var x = await db.Accounts.FromSqlRaw("SELECT * FROM accounts WHERE id = {0} FOR UPDATE", ).SingleAsync();
                        var y = await db.Accounts.FromSqlInterpolated($"SELECT * FROM  WHERE id = {b} FOR UPDATE"
                        foreach (var id in ) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {id} FOR UPDATE");
                    }
                }
                """,
        }.RunAsync();
    }
}
