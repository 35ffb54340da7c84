using Microsoft.Extensions.Caching.Distributed;
using Npgsql;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

/// <summary>
/// A small <see cref="IDistributedCache"/> over PostgreSQL for the runtime tests (the Redis, SQL
/// Server and PostgreSQL cache packages do not restore from our registry). One table
/// <c>(id text primary key, value bytea, expires_at timestamptz)</c>. The synchronous methods do
/// synchronous I/O (Npgsql's <c>Open</c>/<c>ExecuteScalar</c>), the asynchronous ones asynchronous
/// I/O: exactly the difference AP5001 and AP5004 are about.
/// <para>
/// Expirations are stored as one instant: a sliding expiration is turned into "now + window" at
/// write time, and <c>Refresh</c> pushes it forward only for entries that have one. That is all
/// ASP.NET Core's session (which writes with a sliding expiration) needs here.
/// </para>
/// </summary>
public sealed class PostgresDistributedCache : IDistributedCache, IAsyncDisposable
{
    private const string Table = "distributed_cache";

    private const string GetSql = $"SELECT value FROM {Table} WHERE id = @id AND (expires_at IS NULL OR expires_at > now())";

    private const string SetSql =
        $"INSERT INTO {Table} (id, value, expires_at) VALUES (@id, @value, @expires_at) " +
        "ON CONFLICT (id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at";

    // Without the window in the table, a refresh keeps the entry alive for the session's default idle time.
    private const string RefreshSql = $"UPDATE {Table} SET expires_at = now() + interval '20 minutes' WHERE id = @id AND expires_at IS NOT NULL";

    private const string RemoveSql = $"DELETE FROM {Table} WHERE id = @id";

    private readonly NpgsqlDataSource _dataSource;

    private PostgresDistributedCache(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Opens the database and creates the table when it is missing.</summary>
    public static async Task<PostgresDistributedCache> CreateAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var command = dataSource.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS {Table} (id text PRIMARY KEY, value bytea NOT NULL, expires_at timestamptz)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new PostgresDistributedCache(dataSource);
    }

    /// <summary>How many entries the table holds (for the tests' own checks).</summary>
    public async Task<long> CountAsync()
    {
        await using var command = _dataSource.CreateCommand($"SELECT count(*) FROM {Table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public byte[]? Get(string key)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(GetSql, connection);
        command.Parameters.AddWithValue("id", key);
        return command.ExecuteScalar() as byte[];
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(token);
        await using var command = new NpgsqlCommand(GetSql, connection);
        command.Parameters.AddWithValue("id", key);
        return await command.ExecuteScalarAsync(token) as byte[];
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = SetCommand(connection, key, value, options);
        command.ExecuteNonQuery();
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(token);
        await using var command = SetCommand(connection, key, value, options);
        await command.ExecuteNonQueryAsync(token);
    }

    public void Refresh(string key) => Execute(RefreshSql, key);

    public Task RefreshAsync(string key, CancellationToken token = default) => ExecuteAsync(RefreshSql, key, token);

    public void Remove(string key) => Execute(RemoveSql, key);

    public Task RemoveAsync(string key, CancellationToken token = default) => ExecuteAsync(RemoveSql, key, token);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private void Execute(string sql, string key)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", key);
        command.ExecuteNonQuery();
    }

    private async Task ExecuteAsync(string sql, string key, CancellationToken token)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(token);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", key);
        await command.ExecuteNonQueryAsync(token);
    }

    private static NpgsqlCommand SetCommand(NpgsqlConnection connection, string key, byte[] value, DistributedCacheEntryOptions options)
    {
        var command = new NpgsqlCommand(SetSql, connection);
        command.Parameters.AddWithValue("id", key);
        command.Parameters.AddWithValue("value", value);
        command.Parameters.AddWithValue("expires_at", ExpiresAt(options) is { } expires ? expires : DBNull.Value);
        return command;
    }

    private static DateTimeOffset? ExpiresAt(DistributedCacheEntryOptions options)
    {
        var now = DateTimeOffset.UtcNow;
        if (options.AbsoluteExpiration is { } absolute)
        {
            return absolute.ToUniversalTime();
        }

        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            return now + relative;
        }

        return options.SlidingExpiration is { } sliding ? now + sliding : null;
    }
}

/// <summary>Counts the synchronous and asynchronous calls that reach the cache it wraps.</summary>
public sealed class CountingDistributedCache(IDistributedCache inner) : IDistributedCache
{
    private int _syncCalls;
    private int _syncGets;
    private int _asyncCalls;
    private int _asyncGets;

    public int SyncCalls => Volatile.Read(ref _syncCalls);

    public int SyncGets => Volatile.Read(ref _syncGets);

    public int AsyncCalls => Volatile.Read(ref _asyncCalls);

    public int AsyncGets => Volatile.Read(ref _asyncGets);

    public byte[]? Get(string key)
    {
        Interlocked.Increment(ref _syncCalls);
        Interlocked.Increment(ref _syncGets);
        return inner.Get(key);
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        Interlocked.Increment(ref _asyncCalls);
        Interlocked.Increment(ref _asyncGets);
        return inner.GetAsync(key, token);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Interlocked.Increment(ref _syncCalls);
        inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Interlocked.Increment(ref _asyncCalls);
        return inner.SetAsync(key, value, options, token);
    }

    public void Refresh(string key)
    {
        Interlocked.Increment(ref _syncCalls);
        inner.Refresh(key);
    }

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Interlocked.Increment(ref _asyncCalls);
        return inner.RefreshAsync(key, token);
    }

    public void Remove(string key)
    {
        Interlocked.Increment(ref _syncCalls);
        inner.Remove(key);
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Interlocked.Increment(ref _asyncCalls);
        return inner.RemoveAsync(key, token);
    }
}
