using MailStack.Proxy.Security;

namespace MailStack.Proxy.Api;

/// <summary>Resolves the caller and checks it may act on one tenant: 401 / 403 / 422 otherwise.</summary>
internal static class TenantScope
{
    public static async Task<IResult?> CheckAsync(CallerResolver auth, HttpRequest request, string? tenantId, string[] location)
    {
        var (caller, failure) = await auth.ResolveAsync(request);
        if (failure is not null)
        {
            return failure;
        }

        if (string.IsNullOrEmpty(tenantId))
        {
            return Errors.Validation(location, "field required", "value_error.missing");
        }

        return caller!.CanAccess(tenantId) ? null : Errors.Forbidden($"this token may not act on tenant '{tenantId}'");
    }

    /// <summary>Resolves the caller and requires the admin: 401 / 403 otherwise.</summary>
    public static async Task<IResult?> RequireAdminAsync(CallerResolver auth, HttpRequest request)
    {
        var (caller, failure) = await auth.ResolveAsync(request);
        return failure ?? (caller!.IsAdmin ? null : Errors.Forbidden("admin token required"));
    }
}
