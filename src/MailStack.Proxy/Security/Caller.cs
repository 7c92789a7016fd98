using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace MailStack.Proxy.Security;

/// <summary>Who is calling: the admin (anyone, when no admin token is configured) or one tenant.</summary>
public sealed record Caller(bool IsAdmin, string? TenantId)
{
    public static Caller Admin { get; } = new(true, null);

    public static Caller Tenant(string tenantId) => new(false, tenantId);

    /// <summary>May this caller touch <paramref name="tenantId"/>'s data?</summary>
    public bool CanAccess(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}

/// <summary>Tenant API keys: 32 random bytes, URL-safe base64, shown once; only a SHA-256 hash is kept.</summary>
public static class ApiKeys
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>
/// Resolves the caller from <c>X-API-Token</c> or <c>Authorization: Bearer</c>. With no admin token
/// configured the proxy is open (dev mode); otherwise a missing or unknown token is 401.
/// </summary>
public sealed class CallerResolver(IConfiguration configuration, NpgsqlDataSource dataSource)
{
    public const string AdminTokenKey = "Proxy:AdminToken";

    private byte[]? AdminTokenHash => configuration[AdminTokenKey] is { Length: > 0 } token ? ApiKeys.Hash(token) : null;

    public async Task<(Caller? Caller, IResult? Failure)> ResolveAsync(HttpRequest request)
    {
        var adminHash = AdminTokenHash;
        if (adminHash is null)
        {
            return (Caller.Admin, null); // dev mode: no admin token configured, everything is open
        }

        var token = TokenOf(request);
        if (token is null)
        {
            return (null, Errors.Unauthorized("missing API token (X-API-Token or Authorization: Bearer)"));
        }

        var hash = ApiKeys.Hash(token);
        if (CryptographicOperations.FixedTimeEquals(hash, adminHash))
        {
            return (Caller.Admin, null);
        }

        await using var command = dataSource.CreateCommand(
            "SELECT id FROM tenants WHERE api_key_hash = $1 AND (api_key_expires_at IS NULL OR api_key_expires_at > now())");
        command.Parameters.AddWithValue(hash);
        return await command.ExecuteScalarAsync(request.HttpContext.RequestAborted) is string tenantId
            ? (Caller.Tenant(tenantId), null)
            : (null, Errors.Unauthorized("invalid, revoked or expired API token"));
    }

    private static string? TokenOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Token", out var header) && header.ToString() is { Length: > 0 } apiToken)
        {
            return apiToken;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }
}
