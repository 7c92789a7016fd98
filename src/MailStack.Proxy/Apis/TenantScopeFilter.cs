using MailStack.Proxy.Model;
using MailStack.Proxy.Security;

namespace MailStack.Proxy.Apis;

/// <summary>
/// The tenant check of every tenant-scoped route, in one place: the tenant named by the route,
/// query or body must be the caller's own (or the caller the admin). Missing → 422, another tenant → 403.
/// An optional query tenant falls back to the caller's own.
/// </summary>
public sealed class TenantScopeFilter(TenantSource source) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var caller = Caller.From(context.HttpContext.User);
        var tenantId = TenantOf(context, caller);
        if (string.IsNullOrEmpty(tenantId))
        {
            return source.Required ? ApiErrors.Validation(ValidationError.Missing(source.Loc)) : await next(context);
        }

        return caller.CanAccess(tenantId) ? await next(context) : ApiErrors.Forbidden($"this token may not act on tenant '{tenantId}'");
    }

    private string? TenantOf(EndpointFilterInvocationContext context, Caller caller) => source.From switch
    {
        TenantSource.Location.Route => context.HttpContext.Request.RouteValues[source.Name] as string,
        TenantSource.Location.Query => context.HttpContext.Request.Query[source.Name].FirstOrDefault() is { Length: > 0 } value ? value
            : source.Required ? null : caller.TenantId,
        _ => context.Arguments.OfType<IJsonBody>().Select(body => (body.Value as ITenantScoped)?.TenantId).FirstOrDefault(),
    };
}
