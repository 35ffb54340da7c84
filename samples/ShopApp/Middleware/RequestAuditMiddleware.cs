using ShopApp.Data;

namespace ShopApp.Middleware;

/// <summary>Writes one audit entry per API request.</summary>
public class RequestAuditMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuditContext _audit;

    // AP1004: conventional middleware is created once, so '_audit' is shared by all requests.
    public RequestAuditMiddleware(RequestDelegate next, AuditContext audit)
    {
        _next = next;
        _audit = audit;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            _audit.Entries.Add(new AuditEntry { Path = context.Request.Path, At = DateTime.UtcNow });
            await _audit.SaveChangesAsync(context.RequestAborted);
        }

        await _next(context);
    }
}
