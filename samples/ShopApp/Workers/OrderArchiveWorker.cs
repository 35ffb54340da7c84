using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Workers;

/// <summary>Archives old orders every minute.</summary>
public class OrderArchiveWorker : BackgroundService
{
    private readonly ShopContext _db;
    private readonly ILogger<OrderArchiveWorker> _logger;

    // AP1004: a hosted service lives as long as the app; so does this context.
    public OrderArchiveWorker(ShopContext db, ILogger<OrderArchiveWorker> logger)
    {
        _db = db;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var cutoff = DateTime.UtcNow.AddDays(-30);
            var archived = await _db.Orders
                .Where(o => !o.Archived && o.CreatedAt < cutoff)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Archived, true), stoppingToken);
            _logger.LogInformation("Archived {Count} orders", archived);

            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
