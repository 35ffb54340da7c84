using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

/// <summary>
/// AP4001 on a real PostgreSQL server: opposite-direction transfers that lock "from" then "to"
/// deadlock (40P01); the same transfers in the shape the AP4001 fix produces never do. The two
/// transfer methods below are the analyzer's test input and the fix's expected output
/// (AP4001UnorderedRowLocksTests.Fix_RuntimeTransfer reads them from this file between the markers).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AP4001DeadlockRuntimeTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Transfers = 40;
    private const decimal InitialBalance = 1000m;

    public sealed class Account
    {
        public int Id { get; set; }
        public decimal Balance { get; set; }
    }

    public sealed class BankContext(DbContextOptions<BankContext> options) : DbContext(options)
    {
        public DbSet<Account> Accounts => Set<Account>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            var account = modelBuilder.Entity<Account>();
            account.ToTable("accounts");
            account.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
            account.Property(a => a.Balance).HasColumnName("balance");
        }
    }

    // AP4001 bad shape: begin
    private static async Task TransferUnorderedAsync(BankContext db, int fromId, int toId, decimal amount)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var from = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {fromId} FOR UPDATE").SingleAsync();
        await Task.Delay(20);
        var to = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {toId} FOR UPDATE").SingleAsync();
        from.Balance -= amount;
        to.Balance += amount;
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
    // AP4001 bad shape: end

    // AP4001 fixed shape: begin
    private static async Task TransferOrderedAsync(BankContext db, int fromId, int toId, decimal amount)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Lock the rows in ascending key order, so that concurrent transactions cannot deadlock.
        await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {Math.Min(fromId, toId)} FOR UPDATE").SingleAsync();
        await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {Math.Max(fromId, toId)} FOR UPDATE").SingleAsync();
        var from = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {fromId} FOR UPDATE").SingleAsync();
        await Task.Delay(20);
        var to = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {toId} FOR UPDATE").SingleAsync();
        from.Balance -= amount;
        to.Balance += amount;
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
    // AP4001 fixed shape: end

    [PostgresFact]
    public async Task Transfers_DeadlockUnordered_AndNeverAfterTheFix()
    {
        var connectionString = await server.CreateDatabaseAsync("ap4001");
        var options = new DbContextOptionsBuilder<BankContext>().UseNpgsql(connectionString).Options;
        await using (var db = new BankContext(options))
        {
            await db.Database.EnsureCreatedAsync();

            // PostgreSQL looks for deadlocks after deadlock_timeout (1 s by default); a short one keeps the test fast.
            // The database name is ours (CreateDatabaseAsync), not user input.
            var sql = "ALTER DATABASE \"" + new NpgsqlConnectionStringBuilder(connectionString).Database + "\" SET deadlock_timeout = '100ms'";
            await db.Database.ExecuteSqlRawAsync(sql);
        }

        NpgsqlConnection.ClearAllPools();

        var before = 0;
        for (var round = 1; round <= 3 && before == 0; round++)
        {
            await ResetAsync(options);
            var result = await RunLoadAsync(options, TransferUnorderedAsync);
            before = result.Deadlocks;
            Log($"[runtime] AP4001 round {round} unordered: {result.Deadlocks} deadlocks, {result.Committed} committed, {result.Elapsed.TotalMilliseconds:F0} ms");
        }

        Assert.True(before >= 1, "The unordered transfers never deadlocked in 3 rounds; the reproduction needs more contention.");

        await ResetAsync(options);
        var after = await RunLoadAsync(options, TransferOrderedAsync);
        var total = await TotalAsync(options);
        var unchanged = total == 2 * InitialBalance;
        Log($"[runtime] AP4001 ordered: {after.Deadlocks} deadlocks, {after.Committed} committed, {after.Elapsed.TotalMilliseconds:F0} ms");
        Log($"[runtime] AP4001 deadlocks before fix: {before}, after fix: {after.Deadlocks}, total balance unchanged: {unchanged}");

        Assert.Equal(0, after.Deadlocks);
        Assert.Empty(after.OtherErrors);
        Assert.Equal(Transfers, after.Committed);
        Assert.True(unchanged, $"Total balance {total}, expected {2 * InitialBalance}.");
    }

    private void Log(string line)
    {
        TestReport.Write(output, line);
    }

    private sealed record LoadResult(int Deadlocks, int Committed, List<Exception> OtherErrors, TimeSpan Elapsed);

    /// <summary>Half the transfers go 1 → 2, half 2 → 1, all started together; bounded to 20 s.</summary>
    private static async Task<LoadResult> RunLoadAsync(DbContextOptions<BankContext> options, Func<BankContext, int, int, decimal, Task> transfer)
    {
        var deadlocks = 0;
        var committed = 0;
        var others = new List<Exception>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var start = new SemaphoreSlim(0);
        var stopwatch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, Transfers).Select(async i =>
        {
            await start.WaitAsync(timeout.Token);
            var (fromId, toId) = i % 2 == 0 ? (1, 2) : (2, 1);
            try
            {
                await using var db = new BankContext(options);
                await transfer(db, fromId, toId, 1m).WaitAsync(timeout.Token);
                Interlocked.Increment(ref committed);
            }
            catch (Exception e) when (IsDeadlock(e))
            {
                Interlocked.Increment(ref deadlocks);
            }
            catch (Exception e)
            {
                lock (others)
                {
                    others.Add(e);
                }
            }
        }).ToList();
        start.Release(Transfers);
        await Task.WhenAll(tasks);
        return new LoadResult(deadlocks, committed, others, stopwatch.Elapsed);
    }

    /// <summary>40P01, possibly wrapped by EF Core (InvalidOperationException, DbUpdateException).</summary>
    private static bool IsDeadlock(Exception? exception)
    {
        for (; exception != null; exception = exception.InnerException)
        {
            if (exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }

    private static async Task ResetAsync(DbContextOptions<BankContext> options)
    {
        await using var db = new BankContext(options);
        await db.Accounts.ExecuteDeleteAsync();
        db.Accounts.AddRange(new Account { Id = 1, Balance = InitialBalance }, new Account { Id = 2, Balance = InitialBalance });
        await db.SaveChangesAsync();
    }

    private static async Task<decimal> TotalAsync(DbContextOptions<BankContext> options)
    {
        await using var db = new BankContext(options);
        return await db.Accounts.SumAsync(a => a.Balance);
    }
}
