using MailStack.Proxy.Model;

namespace MailStack.Proxy.Apis;

/// <summary>Declares where a tenant-scoped route names its tenant; <see cref="TenantScopeFilter"/> enforces it.</summary>
public static class TenantScopeExtensions
{
    public static RouteHandlerBuilder RequireTenant(this RouteHandlerBuilder route, TenantSource source) =>
        route.AddEndpointFilter(new TenantScopeFilter(source))
            .Produces<ValidationErrors>(StatusCodes.Status422UnprocessableEntity);
}
