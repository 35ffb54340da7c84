using Microsoft.EntityFrameworkCore;

namespace ShopApp.Data;

public class AuditEntry
{
    public int Id { get; set; }
    public string Path { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>A second, self-configured context for the request audit trail.</summary>
public class AuditContext : DbContext
{
    public DbSet<AuditEntry> Entries => Set<AuditEntry>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (!optionsBuilder.IsConfigured)
        {
            optionsBuilder.UseSqlite(Environment.GetEnvironmentVariable("SHOPAPP_AUDIT_DB") ?? "Data Source=audit.db");
        }
    }
}
