using Microsoft.EntityFrameworkCore;
using ShopApp.Data;

namespace ShopApp.Endpoints;

public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        // How many API requests RequestAuditMiddleware has recorded (this one included).
        app.MapGet("/api/audit/count", async (AuditContext audit, CancellationToken cancellationToken) =>
            Results.Ok(await audit.Entries.CountAsync(cancellationToken)));
    }
}
