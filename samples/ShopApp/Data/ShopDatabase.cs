using Microsoft.EntityFrameworkCore;

namespace ShopApp.Data;

/// <summary>Where the shop's data lives: SQLite by default (a file, nothing to install), PostgreSQL
/// when <c>SHOPAPP_PROVIDER=postgres</c>. <c>SHOPAPP_DB</c> holds the connection string of either.</summary>
public static class ShopDatabase
{
    public const string ProviderVariable = "SHOPAPP_PROVIDER";
    public const string ConnectionStringVariable = "SHOPAPP_DB";

    public static bool UsesPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionStringVariable)
        ?? (UsesPostgres
            ? throw new InvalidOperationException($"{ProviderVariable}=postgres needs {ConnectionStringVariable}, e.g. 'Host=localhost;Database=shop;Username=shop;Password=...'.")
            : "Data Source=shop.db");

    public static DbContextOptionsBuilder UseShopDatabase(this DbContextOptionsBuilder options) =>
        UsesPostgres ? options.UseNpgsql(ConnectionString) : options.UseSqlite(ConnectionString);

    public static DbContextOptionsBuilder<TContext> UseShopDatabase<TContext>(this DbContextOptionsBuilder<TContext> options)
        where TContext : DbContext
    {
        UseShopDatabase((DbContextOptionsBuilder)options);
        return options;
    }
}
