using System.Security.Claims;

namespace MailStack.Proxy.Security;

/// <summary>Who is calling: the admin (anyone, when no admin token is configured) or one tenant.</summary>
public sealed record Caller(bool IsAdmin, string? TenantId)
{
    public const string TenantClaim = "mailstack:tenant";
    public const string AdminRole = "admin";

    public static Caller Admin { get; } = new(true, null);

    public static Caller Tenant(string tenantId) => new(false, tenantId);

    /// <summary>The caller the authentication handler put on the request.</summary>
    public static Caller From(ClaimsPrincipal user) =>
        user.IsInRole(AdminRole) ? Admin : new Caller(false, user.FindFirstValue(TenantClaim));

    /// <summary>May this caller touch <paramref name="tenantId"/>'s data?</summary>
    public bool CanAccess(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var identity = new ClaimsIdentity(scheme);
        if (IsAdmin)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, AdminRole));
        }
        else
        {
            identity.AddClaim(new Claim(TenantClaim, TenantId!));
        }

        return new ClaimsPrincipal(identity);
    }
}
