namespace ShopApp.Services;

public static class SessionSetup
{
    /// <summary>The session keeps the visitor's cart between requests, in the distributed cache.</summary>
    public static IServiceCollection AddShopSession(this IServiceCollection services)
    {
        services.AddSession(options =>
        {
            options.Cookie.Name = ".Shop.Session";
            // AP5002: the storefront script wanted to read the session cookie, so HttpOnly was
            // switched off; now any injected script can steal every visitor's session.
            options.Cookie.HttpOnly = false;
            options.Cookie.IsEssential = true;
            options.IdleTimeout = TimeSpan.FromMinutes(30);
        });
        return services;
    }
}
