using System.Security.Cryptography;
using System.Text;

namespace ShopApp.Services;

/// <summary>Issues the signed API tokens the mobile app sends back: "payload.signature".</summary>
public class TokenService(IConfiguration configuration)
{
    private readonly TimeSpan _lifetime = TimeSpan.FromMinutes(configuration.GetValue("Tokens:LifetimeMinutes", 30));

    public string Issue(string userName)
    {
        var expires = DateTimeOffset.UtcNow.Add(_lifetime).ToUnixTimeSeconds();
        var payload = Encoding.UTF8.GetBytes($"{userName}|{expires}");

        // AP5003: the signing key is in source, so everyone with the repository can mint tokens.
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes("shop-dev-signing-key-change-me-0123456789"));
        var signature = hmac.ComputeHash(payload);
        return Convert.ToBase64String(payload) + "." + Convert.ToBase64String(signature);
    }
}
